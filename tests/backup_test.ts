import assert from "node:assert/strict";
import { exportAll, importAll } from "../src/storage/backup.ts";
import { createTicket } from "../src/storage/tickets.ts";
import { updateSettings } from "../src/storage/settings.ts";

async function dump(kv: Deno.Kv): Promise<Array<[unknown, unknown]>> {
  const out: Array<[unknown, unknown]> = [];
  for await (const e of kv.list({ prefix: [] })) out.push([e.key, e.value]);
  return out;
}

Deno.test("backup then restore into an empty KV gives the same data", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const src = await Deno.openKv(`${dir}/a.sqlite`);
    await updateSettings(src, 1, 1, () => ({ topics: ["A", "Б"], open: true }));
    for (let i = 0; i < 5; i++) {
      await createTicket(src, { topic: "T", clientId: 10 + i, at: i });
    }
    await src.set(["odd", 1n, new Uint8Array([1, 2])], {
      n: new Deno.KvU64(7n),
      d: new Date(5),
      b: new Uint8Array([3]),
      big: 12n,
    });
    // the backup goes through the command-line tools, as a user runs them
    const file = `${dir}/backup.jsonl`;
    src.close();
    const run = (script: string, ...args: string[]) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--unstable-kv", script, ...args],
        stdout: "null",
        stderr: "piped",
      }).output();
    const b = await run("scripts/backup.ts", "--out", file, "--kv", `${dir}/a.sqlite`);
    assert.equal(b.code, 0, new TextDecoder().decode(b.stderr));
    const r = await run("scripts/restore.ts", "--in", file, "--kv", `${dir}/b.sqlite`);
    assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
    const a = await Deno.openKv(`${dir}/a.sqlite`);
    const c = await Deno.openKv(`${dir}/b.sqlite`);
    assert.deepEqual(await dump(c), await dump(a));
    // restoring into a KV that has data is refused and changes nothing
    const again = await run("scripts/restore.ts", "--in", file, "--kv", `${dir}/b.sqlite`);
    assert.notEqual(again.code, 0);
    assert.match(new TextDecoder().decode(again.stderr), /not empty/);
    a.close();
    c.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("importAll refuses a non-empty KV", async () => {
  const kv = await Deno.openKv(":memory:");
  await kv.set(["x"], 1);
  const lines: string[] = [];
  await exportAll(kv, (l) => Promise.resolve(void lines.push(l)));
  await assert.rejects(() =>
    importAll(
      kv,
      (async function* () {
        yield* lines;
      })(),
    )
  );
  kv.close();
});
