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

Deno.test("a backup is its owner's only, may leave the tokens out, and may be encrypted", async () => {
  const dir = await Deno.makeTempDir();
  const token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
  try {
    const src = await Deno.openKv(`${dir}/a.sqlite`);
    await updateSettings(src, 1, 1, () => ({ clientBotToken: token, topics: ["Оплата"] }));
    await createTicket(src, { topic: "Оплата", clientId: 7, at: 1 });
    src.close();
    const run = (env: Record<string, string>, script: string, ...args: string[]) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--unstable-kv", script, ...args],
        env,
        stdout: "null",
        stderr: "piped",
      }).output().then((o) => ({ code: o.code, err: new TextDecoder().decode(o.stderr) }));
    const kvA = ["--kv", `${dir}/a.sqlite`];

    // an existing world-readable file becomes 0600
    const plain = `${dir}/plain.jsonl`;
    await Deno.writeTextFile(plain, "old", { mode: 0o644 });
    await Deno.chmod(plain, 0o644);
    assert.equal((await run({}, "scripts/backup.ts", "--out", plain, ...kvA)).code, 0);
    assert.equal((await Deno.stat(plain)).mode! & 0o777, 0o600);
    assert.ok((await Deno.readTextFile(plain)).includes(token), "tokens kept by default");

    // without tokens: restore says what to do
    const bare = `${dir}/bare.jsonl`;
    assert.equal(
      (await run({}, "scripts/backup.ts", "--out", bare, "--no-tokens", ...kvA)).code,
      0,
    );
    assert.ok(!(await Deno.readTextFile(bare)).includes(token), "no token in the file");
    const r1 = await run({}, "scripts/restore.ts", "--in", bare, "--kv", `${dir}/b.sqlite`);
    assert.equal(r1.code, 0, r1.err);
    assert.match(r1.err, /holds no bot tokens: open the settings bot/);
    const b = await Deno.openKv(`${dir}/b.sqlite`);
    const s = (await b.get<{ clientBotToken: string | null; topics: string[] }>(["settings"]))
      .value!;
    assert.equal(s.clientBotToken, null);
    assert.deepEqual(s.topics, ["Оплата"]);
    b.close();

    // encrypted: unreadable without the passphrase, refused with a wrong one
    const sealed = `${dir}/sealed.bak`;
    const env = { BACKUP_PASS: "correct horse battery staple" };
    const e = await run(
      env,
      "scripts/backup.ts",
      "--out",
      sealed,
      "--passphrase-env",
      "BACKUP_PASS",
      ...kvA,
    );
    assert.equal(e.code, 0, e.err);
    const text = await Deno.readTextFile(sealed);
    assert.ok(!text.includes(token) && !text.includes("Оплата") && !text.includes("settings"));
    const none = await run({}, "scripts/restore.ts", "--in", sealed, "--kv", `${dir}/c.sqlite`);
    assert.notEqual(none.code, 0);
    assert.match(none.err, /this backup is encrypted/);
    const wrong = await run(
      { BACKUP_PASS: "wrong" },
      "scripts/restore.ts",
      "--in",
      sealed,
      "--passphrase-env",
      "BACKUP_PASS",
      "--kv",
      `${dir}/c.sqlite`,
    );
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.err, /passphrase is wrong/);
    const right = await run(
      env,
      "scripts/restore.ts",
      "--in",
      sealed,
      "--passphrase-env",
      "BACKUP_PASS",
      "--kv",
      `${dir}/c.sqlite`,
    );
    assert.equal(right.code, 0, right.err);
    const a = await Deno.openKv(`${dir}/a.sqlite`);
    const c = await Deno.openKv(`${dir}/c.sqlite`);
    assert.deepEqual(await dump(c), await dump(a));
    a.close();
    c.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
