/**
 * Once-only markers of SLA alerts and off-hours replies. Claiming is an atomic
 * check-and-set, so overlapping cron runs or instances never alert twice.
 *
 * @module
 */
import { K } from "./keys.ts";

const TTL_MS = 90 * 24 * 3_600_000;

/** Claims an SLA threshold of a cycle; true only for the first claimer. */
export async function claimSla(
  kv: Deno.Kv,
  n: number,
  cycle: number,
  threshold: string,
  at: number,
): Promise<boolean> {
  const key = K.sla(n, cycle, threshold);
  const res = await kv.atomic().check({ key, versionstamp: null }).set(key, at, {
    expireIn: TTL_MS,
  })
    .commit();
  return res.ok;
}

/** Thresholds already reached by a cycle. */
export async function slaReached(kv: Deno.Kv, n: number, cycle: number): Promise<string[]> {
  const out: string[] = [];
  for await (const e of kv.list({ prefix: K.slaCycle(n, cycle) })) out.push(String(e.key[3]));
  return out;
}

/** Claims the off-hours reply of a cycle; true only the first time. */
export async function claimOffHours(kv: Deno.Kv, n: number, cycle: number, at: number) {
  const key = K.offHours(n, cycle);
  const res = await kv.atomic().check({ key, versionstamp: null }).set(key, at, {
    expireIn: TTL_MS,
  })
    .commit();
  return res.ok;
}
