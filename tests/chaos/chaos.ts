/**
 * One chaos property: a generated sequence runs against a fresh world and every invariant
 * holds once it settles. Shared by the CI test (fixed seeds) and `deno task chaos`.
 *
 * @module
 */
import fc from "fast-check";
import { sequenceArb } from "./arbitraries.ts";
import { checkAll } from "./invariants.ts";
import { describeAll, type Step } from "./model.ts";
import { runSequence } from "./runner.ts";
import type { Mode } from "./world.ts";

/** Real time one sequence may take, teardown included, before it counts as hung. */
const HUNG_MS = 120_000;

/**
 * Runs one sequence; throws with the violations and the readable steps if any invariant broke,
 * or if the run hung (every wait of the runner has its own timeout, so a hang is something
 * awaited forever: a failure to shrink like any other, instead of a batch that stalls).
 */
export async function runAndCheck(
  steps: Step[],
  mode: Mode = "polling",
  o: { process?: boolean } = {},
): Promise<RunStats> {
  let where = "starting the world";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `1 invariant(s) broke:\n- the run hung for ${HUNG_MS / 1000} s at ${where}\n` +
              `steps:\n${describeAll(steps)}`,
          ),
        ),
      HUNG_MS,
    );
  });
  try {
    return await Promise.race([
      checked(steps, mode, { ...o, progress: (at) => (where = at) }),
      hung,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function checked(
  steps: Step[],
  mode: Mode,
  o: { process?: boolean; progress: (at: string) => void },
): Promise<RunStats> {
  const r = await runSequence(steps, mode, o);
  o.progress("checking the invariants");
  let tickets = 0;
  let secondDesk = 0;
  for await (const e of r.w.kv.list<{ desk?: number }>({ prefix: ["ticket"] })) {
    tickets++;
    if (e.value.desk === 1) secondDesk++;
  }
  const stats = {
    steps: steps.length,
    skipped: r.skipped,
    tickets,
    secondDesk,
    clientMessages: r.fromClients.length,
    managerComments: r.fromManagers.length,
    presses: r.queries.length,
    kills: r.w.kills(),
    rotations: r.rotations,
  };
  let violations: string[] = [...r.errors];
  try {
    if (!violations.length) violations = await checkAll(r);
  } finally {
    o.progress("stopping the world");
    try {
      await r.w.stop();
    } catch (e) {
      violations = [...violations, `teardown: ${(e as Error).message}`];
    }
  }
  if (violations.length) {
    throw new Error(
      `${violations.length} invariant(s) broke:\n- ${violations.join("\n- ")}\n` +
        `steps:\n${describeAll(steps)}`,
    );
  }
  return stats;
}

/** What one sequence did (to see that generation reaches the interesting states). */
export interface RunStats {
  steps: number;
  skipped: number;
  tickets: number;
  /** of them on the second desk (the second topic's) */
  secondDesk: number;
  clientMessages: number;
  managerComments: number;
  presses: number;
  kills: number;
  /** tokens revoked and replaced through the settings bot */
  rotations: number;
}

/** Options of {@linkcode chaos}. */
export interface ChaosOptions {
  runs: number;
  seed: number;
  maxSteps?: number;
  /** how updates reach the service (default polling) */
  mode?: Mode;
  /** the service runs as `main.ts` in a child process, killed with SIGKILL */
  process?: boolean;
  /** fast-check's path of a failing case: replays exactly that case */
  path?: string;
  /** receives the figures of each sequence that passed */
  onRun?: (s: RunStats) => void;
  /** receives the first failure at once, before fast-check shrinks it (which takes a while) */
  onFirstFailure?: (e: Error) => void;
}

/** Runs `runs` sequences from `seed`; fast-check shrinks a failing one to a minimal sequence. */
export async function chaos(o: ChaosOptions): Promise<fc.RunDetails<[Step[]]>> {
  let failedOnce = false;
  return await fc.check(
    fc.asyncProperty(sequenceArb(o.maxSteps), async (steps) => {
      try {
        o.onRun?.(await runAndCheck(steps, o.mode, { process: o.process === true }));
      } catch (e) {
        if (!failedOnce) o.onFirstFailure?.(e as Error);
        failedOnce = true;
        throw e;
      }
    }),
    { numRuns: o.runs, seed: o.seed, ...(o.path ? { path: o.path } : {}) },
  );
}
