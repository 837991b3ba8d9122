import assert from "node:assert/strict";
import { Bot } from "grammy";
import { startEmulator } from "../src/emulator/mod.ts";
import { ManualClock } from "../src/clock.ts";
import { createLogger, redact, silentLogger } from "../src/log.ts";
import { DurablePoller } from "../src/runtime/poller.ts";
import { listIntake } from "../src/storage/intake.ts";
import { assertNoAnomalies } from "./emulator/anomaly_check.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name: "poller: updates are in KV before they are handled; the kept copy can be scrubbed",
  ...sanitize,
  fn: async () => {
    const emu = await startEmulator({ timeScale: 0.01 });
    const kv = await Deno.openKv(":memory:");
    const b = emu.createBot({ username: "p_settings_bot" });
    const admin = emu.createUser({ firstName: "A" });
    const bot = new Bot(b.token, { client: { apiRoot: emu.apiRoot } });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const handled: string[] = [];
    bot.on("message:text", async (ctx) => {
      await gate;
      handled.push(ctx.message.text);
    });
    await bot.init();
    const poller = new DurablePoller({
      bot,
      name: "settings",
      kv,
      log: silentLogger,
      clock: new ManualClock(),
      timeoutSec: 1,
      scrub: (u) => JSON.parse(redact(JSON.stringify(u))),
    });
    poller.start();
    await poller.polling;
    const token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
    emu.userSend(admin.id, b.id, { text: token });
    let kept: unknown[] = [];
    for (let i = 0; i < 200 && kept.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
      kept = await listIntake(kv, "settings");
    }
    assert.equal(kept.length, 1, "the update is kept before it is handled");
    assert.ok(!JSON.stringify(kept).includes(token), "the kept copy has no token");
    release();
    await poller.idle();
    assert.deepEqual(handled, [token], "the handler saw the original");
    await poller.stop();
    assert.equal((await listIntake(kv, "settings")).length, 0, "handled updates are forgotten");
    kv.close();
    await emu.close();
    assertNoAnomalies(emu);
  },
});

Deno.test({
  name: "poller: an update that passes on a retry is a warning, not an error",
  ...sanitize,
  fn: async () => {
    const emu = await startEmulator({ timeScale: 0.01 });
    const kv = await Deno.openKv(":memory:");
    const b = emu.createBot({ username: "p_client_bot" });
    const user = emu.createUser({ firstName: "U" });
    const bot = new Bot(b.token, { client: { apiRoot: emu.apiRoot } });
    let tries = 0;
    bot.on("message:text", () => {
      // a passing fault (the network dropped once): retryable
      if (++tries === 1) throw new TypeError("Network request for 'x' failed");
    });
    await bot.init();
    const lines: string[] = [];
    const poller = new DurablePoller({
      bot,
      name: "client",
      kv,
      log: createLogger("debug", (l) => lines.push(l)),
      clock: new ManualClock(),
      timeoutSec: 1,
      retry: { attempts: 3, baseMs: 5 },
    });
    poller.start();
    await poller.polling;
    emu.userSend(user.id, b.id, { text: "hi" });
    for (let i = 0; i < 200 && tries < 2; i++) await new Promise((r) => setTimeout(r, 10));
    await poller.idle();
    await poller.stop();
    assert.equal(tries, 2, "handled on the second attempt");
    const retrying = lines.filter((l) => l.includes("update failed; retrying"));
    assert.equal(retrying.length, 1);
    assert.match(retrying[0]!, /"level":"warn"/);
    assert.ok(!lines.some((l) => /"level":"error"/.test(l)), lines.join("\n"));
    kv.close();
    await emu.close();
    assertNoAnomalies(emu);
  },
});
