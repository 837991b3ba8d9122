/**
 * Shared pieces of the benchmarks: figures, percentiles, a tiny flag parser.
 *
 * @module
 */
import { until as untilShared } from "../scripts/until.ts";

/** One measured figure. */
export interface Figure {
  scenario: string;
  name: string;
  value: number;
  unit: string;
  /** Human-readable target, e.g. ">= 0.8". */
  target?: string;
  /** Whether the target is met (absent when there is no target). */
  ok?: boolean;
}

/** Percentile `p` (0–100) of `xs`. */
export function percentile(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** Value of `--name value`, or undefined. */
export function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Waits until `cond` holds. */
export function until(cond: () => boolean, what: string, timeoutMs: number): Promise<void> {
  // asked every 2 ms: a benchmark's figure must not carry the wait's granularity
  return untilShared(cond, what, timeoutMs, { everyMs: 2 });
}

/** A figure with a target checked. */
export function fig(
  scenario: string,
  name: string,
  value: number,
  unit: string,
  target?: { op: ">=" | "<=" | "=="; v: number },
): Figure {
  if (!target) return { scenario, name, value, unit };
  const ok = target.op === ">="
    ? value >= target.v
    : target.op === "<="
    ? value <= target.v
    : value === target.v;
  return { scenario, name, value, unit, target: `${target.op} ${target.v}`, ok };
}

/**
 * What arrived against what was sent, per writer (`clients`): texts lost, texts that arrived
 * again, and adjacent arrivals in the reverse of the order written.
 */
export function deliveryCounts(
  clients: readonly number[],
  expected: Map<number, string[]>,
  got: Map<number, string[]>,
): { lost: number; dup: number; disorder: number } {
  let lost = 0, dup = 0, disorder = 0;
  for (const c of clients) {
    const want = expected.get(c)!;
    const have = got.get(c)!;
    const uniq = new Set(have);
    lost += want.filter((t) => !uniq.has(t)).length;
    dup += have.length - uniq.size;
    const pos = have.map((t) => want.indexOf(t));
    for (let i = 1; i < pos.length; i++) if (pos[i]! < pos[i - 1]!) disorder++;
  }
  return { lost, dup, disorder };
}
