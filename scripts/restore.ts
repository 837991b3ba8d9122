/**
 * `deno task restore --in file [--kv path]`: reads a backup into an empty KV.
 *
 * @module
 */
import { loadKvPath } from "../src/config.ts";
import { importAll } from "../src/storage/backup.ts";

function arg(name: string): string | undefined {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

async function* lines(path: string): AsyncIterable<string> {
  const file = await Deno.open(path);
  let rest = "";
  for await (const chunk of file.readable.pipeThrough(new TextDecoderStream())) {
    rest += chunk;
    const parts = rest.split("\n");
    rest = parts.pop() ?? "";
    yield* parts;
  }
  if (rest) yield rest;
}

if (import.meta.main) {
  const input = arg("in");
  if (!input) {
    console.error("Usage: deno task restore --in file [--kv path]");
    Deno.exit(2);
  }
  const kv = await Deno.openKv(arg("kv") ?? loadKvPath());
  try {
    const n = await importAll(kv, lines(input));
    console.error(`Restored ${n} records from ${input}`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    Deno.exitCode = 1;
  } finally {
    kv.close();
  }
}
