/**
 * Opening the database: the one place `Deno.openKv` is called by the service.
 *
 * @module
 */
import { K } from "./keys.ts";

/**
 * Opens the KV at `path` (null: Deno Deploy's own) and reads once, since a file that is not a
 * database opens lazily and only the first read fails. Errors are the caller's to word.
 */
export async function openDatabase(path: string | null): Promise<Deno.Kv> {
  const kv = path === null ? await Deno.openKv() : await Deno.openKv(path);
  if (path !== null) await kv.get(K.probe());
  return kv;
}
