/**
 * `deno task backup --out file [--kv path] [--no-tokens] [--passphrase-env NAME]`: writes
 * every KV record to a file readable by its owner only (0600). `--no-tokens` leaves the bot
 * tokens out (paste them into the settings bot after a restore); `--passphrase-env NAME`
 * encrypts the file with the passphrase in environment variable NAME.
 *
 * @module
 */
import { loadKvPath } from "../src/config.ts";
import { openKv } from "./cli_kv.ts";
import { encryptBackup, exportAll } from "../src/storage/backup.ts";

function arg(name: string): string | undefined {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

if (import.meta.main) {
  const out = arg("out");
  if (!out) {
    console.error(
      "Usage: deno task backup --out file [--kv path] [--no-tokens] [--passphrase-env NAME]",
    );
    Deno.exit(2);
  }
  const passVar = arg("passphrase-env");
  const passphrase = passVar ? Deno.env.get(passVar) : undefined;
  if (passVar && !passphrase) {
    console.error(`Cannot encrypt the backup: the environment variable ${passVar} is empty`);
    Deno.exit(2);
  }
  const tokens = !Deno.args.includes("--no-tokens");
  const kv = await openKv(arg("kv") ?? loadKvPath());
  const chunks: string[] = [];
  const n = await exportAll(kv, (line) => Promise.resolve(void chunks.push(line)), { tokens });
  kv.close();
  const plain = new TextEncoder().encode(chunks.join(""));
  const body = passphrase
    ? new TextEncoder().encode(await encryptBackup(plain, passphrase))
    : plain;
  // the file may hold bot tokens and customers' messages: its owner only, also when it existed
  await Deno.writeFile(out, new Uint8Array(0), { mode: 0o600 });
  await Deno.chmod(out, 0o600);
  await Deno.writeFile(out, body, { mode: 0o600 });
  console.error(
    `Wrote ${n} records to ${out} (readable by its owner only; ${
      tokens ? "bot tokens included" : "bot tokens left out"
    }${passphrase ? ", encrypted" : ""})`,
  );
}
