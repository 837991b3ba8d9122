/**
 * Claiming a fresh helpdesk (no ADMIN_IDS, no admin stored): the service prints a one-time
 * link; its first opener becomes the admin, a second person is refused and told their id, and
 * the code rests in KV only hashed, expiring in 24 hours.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../src/emulator/mod.ts";
import { CLAIM_TTL_MS, issueClaim, redeemClaim } from "../src/storage/claim.ts";
import { addAdmin, listAdmins } from "../src/storage/people.ts";
import { until } from "../scripts/until.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

function collect(stream: ReadableStream<Uint8Array>, into: { text: string }): Promise<void> {
  return stream.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({
      write(chunk) {
        into.text += chunk;
      },
    }),
  );
}

Deno.test("a claim code is single use, expires after 24 h and is stored hashed only", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const code = (await issueClaim(kv, [], 1_000))!;
    assert.match(code, /^[A-Za-z0-9_-]{16,64}$/);
    for await (const e of kv.list({ prefix: [] })) {
      assert.ok(!JSON.stringify(e.value).includes(code), "the plain code is not stored");
    }
    assert.equal(await redeemClaim(kv, "wrong", 5, 2_000), "invalid");
    assert.equal(await redeemClaim(kv, code, 5, 1_000 + CLAIM_TTL_MS), "expired");
    assert.equal(await redeemClaim(kv, code, 5, 2_000), "claimed");
    assert.deepEqual(await listAdmins(kv), [5]);
    assert.equal(await redeemClaim(kv, code, 6, 3_000), "used");
    assert.deepEqual(await listAdmins(kv), [5]);
    // with an admin, no new claim is issued
    assert.equal(await issueClaim(kv, [], 4_000), null);
    const other = await Deno.openKv(":memory:");
    assert.equal(await issueClaim(other, [7], 0), null);
    other.close();
  } finally {
    kv.close();
  }
});

Deno.test("an unclaimed code is forgotten once an admin exists", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const code = (await issueClaim(kv, [], 0))!;
    await addAdmin(kv, 9, 9, 1);
    assert.equal(await issueClaim(kv, [], 2), null);
    assert.equal(await redeemClaim(kv, code, 5, 3), "invalid");
  } finally {
    kv.close();
  }
});

Deno.test({
  name: "a fresh install prints a claim link; its opener becomes admin, a second is refused",
  ...sanitize,
  fn: async () => {
    const emu = await startEmulator({ limits: false });
    const dir = await Deno.makeTempDir();
    const settings = emu.createBot({ username: "claim_settings_bot" });
    const olga = emu.createUser({ firstName: "Olga", languageCode: "en" });
    const eve = emu.createUser({ firstName: "Eve", languageCode: "en" });
    const run = () => {
      const proc = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "main.ts"],
        env: {
          TELEGRAM_API_ROOT: emu.apiRoot,
          SETTINGS_BOT_TOKEN: settings.token,
          KV_PATH: `${dir}/kv.sqlite`,
          LOG_LEVEL: "error",
        },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const out = { text: "" }, err = { text: "" };
      const reading = Promise.all([collect(proc.stdout, out), collect(proc.stderr, err)]);
      return { proc, out, err, reading };
    };
    const texts = (userId: number) =>
      emu.view(userId, settings.id).filter((m) => !m.outgoing).map((m) => m.text ?? "");
    let p = run();
    try {
      await until(() => p.out.text.includes("\n"), `the start line (stderr: ${p.err.text})`);
      const line = p.out.text.split("\n")[0]!;
      const m =
        /^Helpdesk started with no admin yet\. Open https:\/\/t\.me\/claim_settings_bot\?start=claim_([A-Za-z0-9_-]+) and press Start to become its first admin \(the link works once, for 24 hours\)\.$/
          .exec(line);
      assert.ok(m, line);
      const code = m[1]!;

      emu.userSend(olga.id, settings.id, { text: `/start claim_${code}` });
      await until(() => texts(olga.id).some((t) => /first admin/.test(t)), "the claim answer");
      await until(() => texts(olga.id).some((t) => /Here you set up/.test(t)), "the setup");

      emu.userSend(eve.id, settings.id, { text: `/start claim_${code}` });
      await until(() => texts(eve.id).some((t) => /admins only/.test(t)), "the refusal");
      const said = texts(eve.id).join("\n");
      assert.match(said, /has been used already/);
      assert.match(said, new RegExp(`Your Telegram id is ${eve.id}: an admin can add you`));
      assert.doesNotMatch(said, /Here you set up/);
    } finally {
      p.proc.kill("SIGTERM");
      await p.proc.status;
      await p.reading;
    }
    // the next start has an admin: no link, the usual line
    p = run();
    try {
      await until(() => p.out.text.includes("\n"), `the second start (stderr: ${p.err.text})`);
      assert.equal(
        p.out.text.split("\n")[0],
        "Helpdesk started. Open https://t.me/claim_settings_bot and press Start to set it up.",
      );
    } finally {
      p.proc.kill("SIGTERM");
      await p.proc.status;
      await p.reading;
      await emu.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
