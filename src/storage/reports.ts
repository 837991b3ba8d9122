/**
 * Once-only marks of scheduled reports.
 *
 * @module
 */
import { K } from "./keys.ts";

/** Claims the scheduled report of a period; true only for the first claimer. */
export async function claimScheduledReport(
  kv: Deno.Kv,
  schedule: string,
  from: number,
  at: number,
): Promise<boolean> {
  const key = K.reportSent(schedule, from);
  const res = await kv.atomic().check({ key, versionstamp: null }).set(key, at, {
    expireIn: 400 * 24 * 3_600_000,
  }).commit();
  return res.ok;
}

/** Releases a claim whose report could not be built, so the next run tries again. */
export async function releaseScheduledReport(kv: Deno.Kv, schedule: string, from: number) {
  await kv.delete(K.reportSent(schedule, from));
}
