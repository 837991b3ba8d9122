/**
 * Opening the database: the one place `Deno.openKv` is called by the service.
 *
 * @module
 */
import { K } from "./keys.ts";
import { retryBusyWrites } from "./retry.ts";

/**
 * Opens the KV at `path` (null: Deno Deploy's own) and reads once, since a file that is not a
 * database opens lazily and only the first read fails. Errors are the caller's to word. A
 * local file may be shared by several processes (the Deploy rehearsal's instances, a report
 * beside the service): its writes wait out the others' locks (see `retryBusyWrites`).
 */
export async function openDatabase(path: string | null): Promise<Deno.Kv> {
  const kv = path === null ? await Deno.openKv() : await Deno.openKv(path);
  if (path === null) return kv;
  await kv.get(K.probe());
  const file = path !== ":memory:" && !/^https?:\/\//.test(path);
  return file ? retryBusyWrites(kv) : kv;
}
