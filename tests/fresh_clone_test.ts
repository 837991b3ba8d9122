/**
 * `deno task report` and `deno task backup` on a fresh clone (no ./data folder yet) say what
 * is missing in one sentence, create nothing, and exit non-zero: no stack trace.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const MISSING = "Cannot read the database at ./data/helpdesk.sqlite: it does not exist yet " +
  "(start the service first, or give --kv path)";

async function runIn(dir: string, script: string, args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}scripts/${script}`, ...args],
    cwd: dir,
    env: { KV_PATH: "" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, err: new TextDecoder().decode(out.stderr).trim() };
}

for (
  const [script, args] of [
    ["report.ts", ["--period", "last_month"]],
    ["backup.ts", ["--out", "backup.jsonl"]],
  ] as const
) {
  Deno.test(`${script} on a fresh clone says the database does not exist yet`, async () => {
    const dir = await Deno.makeTempDir();
    try {
      const r = await runIn(dir, script, [...args]);
      assert.equal(r.code, 1, r.err);
      assert.equal(r.err, MISSING);
      assert.deepEqual([...Deno.readDirSync(dir)], [], "nothing created");
      const other = await runIn(dir, script, [...args, "--kv", "elsewhere/kv.sqlite"]);
      assert.equal(
        other.err,
        "Cannot read the database at elsewhere/kv.sqlite: it does not exist yet " +
          "(start the service first, or give --kv path)",
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
