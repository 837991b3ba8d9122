/**
 * `deno task restore --in file [--kv path] [--passphrase-env NAME]`: reads a backup into an
 * empty KV; says whether it held the bot tokens, and needs the passphrase of an encrypted one.
 *
 * @module
 */
import { loadKvPath } from "../src/config.ts";
import { decryptBackup, headerOf, importAll, isEncrypted } from "../src/storage/backup.ts";

function arg(name: string): string | undefined {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

async function* linesOf(text: string): AsyncIterable<string> {
  yield* text.split("\n");
}

if (import.meta.main) {
  const input = arg("in");
  if (!input) {
    console.error("Usage: deno task restore --in file [--kv path] [--passphrase-env NAME]");
    Deno.exit(2);
  }
  let text = await Deno.readTextFile(input);
  const first = text.slice(0, text.indexOf("\n") >>> 0);
  if (isEncrypted(first)) {
    const passVar = arg("passphrase-env");
    const passphrase = passVar ? Deno.env.get(passVar) : undefined;
    if (!passphrase) {
      console.error(
        "Cannot restore: this backup is encrypted; give its passphrase with --passphrase-env NAME",
      );
      Deno.exit(2);
    }
    try {
      text = await decryptBackup(text, passphrase);
    } catch (e) {
      console.error(e instanceof Error ? e.message : String(e));
      Deno.exit(1);
    }
  }
  const header = headerOf(text.slice(0, text.indexOf("\n") >>> 0));
  const kv = await Deno.openKv(arg("kv") ?? loadKvPath());
  try {
    const n = await importAll(kv, linesOf(text));
    console.error(`Restored ${n} records from ${input}`);
    if (header && !header.tokens) {
      console.error(
        "This backup holds no bot tokens: open the settings bot and paste the client and manager bots' tokens again.",
      );
    }
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    Deno.exitCode = 1;
  } finally {
    kv.close();
  }
}
