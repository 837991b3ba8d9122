/**
 * What the setup watch last told the admins: the problems they were alerted about.
 *
 * @module
 */
import { K } from "./keys.ts";

/** The problems last alerted about, with the entry's versionstamp for a guarded update. */
export async function getWatched(
  kv: Deno.Kv,
): Promise<{ problems: string[]; versionstamp: string | null }> {
  const e = await kv.get<string[]>(K.setupWatch());
  return { problems: e.value ?? [], versionstamp: e.versionstamp };
}

/** Stores the problems alerted about unless another check changed them; true when stored. */
export async function putWatched(
  kv: Deno.Kv,
  problems: string[],
  versionstamp: string | null,
): Promise<boolean> {
  const r = await kv.atomic().check({ key: K.setupWatch(), versionstamp })
    .set(K.setupWatch(), problems).commit();
  return r.ok;
}
