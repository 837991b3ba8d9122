/**
 * The database of a command-line tool (report, backup): opened as it is, or one plain sentence
 * and exit code 1 when it is missing or unreadable.
 *
 * @module
 */
import { MissingKvError, openExistingKv } from "../src/startup.ts";

/** The KV at `path`; a missing or unreadable one is one sentence and exit code 1. */
export async function openKv(path: string): Promise<Deno.Kv> {
  try {
    return await openExistingKv(path);
  } catch (e) {
    if (!(e instanceof MissingKvError)) throw e;
    console.error(e.message);
    Deno.exit(1);
  }
}
