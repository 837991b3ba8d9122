/**
 * `deno task backup --out file [--kv path]`: writes every KV record to a file.
 *
 * @module
 */
import { loadKvPath } from "../src/config.ts";
import { exportAll } from "../src/storage/backup.ts";

function arg(name: string): string | undefined {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

if (import.meta.main) {
  const out = arg("out");
  if (!out) {
    console.error("Usage: deno task backup --out file [--kv path]");
    Deno.exit(2);
  }
  const kv = await Deno.openKv(arg("kv") ?? loadKvPath());
  const file = await Deno.open(out, { write: true, create: true, truncate: true });
  const enc = new TextEncoder();
  const writer = file.writable.getWriter();
  const n = await exportAll(kv, (line) => writer.write(enc.encode(line)));
  await writer.close();
  kv.close();
  console.error(`Wrote ${n} records to ${out}`);
}
