import assert from "node:assert/strict";
import { Bot } from "grammy";
import { startEmulator } from "../src/emulator/mod.ts";
import { ManualClock } from "../src/clock.ts";
import { createLogger, redact, silentLogger } from "../src/log.ts";
import { DurablePoller } from "../src/runtime/poller.ts";
import { listIntake } from "../src/storage/intake.ts";
import { markProcessed } from "../src/storage/tickets.ts";
import { assertNoAnomalies } from "./emulator/anomaly_check.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name:
    "poller: an update not handled in time is in KV before its offset is confirmed; the kept copy can be scrubbed",
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

/** A real KV that records the intake keys written and can hold back commits that write one. */
function watchedKv(kv: Deno.Kv) {
  const written: number[] = [];
  let hold: Promise<void> | null = null;
  const proxy = new Proxy(kv, {
    get(target, prop) {
      if (prop === "atomic") {
        return () => {
          const op = target.atomic();
          let intake = false;
          const wrapped: Deno.AtomicOperation = new Proxy(op, {
            get(o, p) {
              if (p === "set") {
                return (key: Deno.KvKey, value: unknown) => {
                  if (key[0] === "intake") {
                    intake = true;
                    written.push(key[2] as number);
                  }
                  o.set(key, value);
                  return wrapped;
                };
              }
              if (p === "commit") {
                return async () => {
                  if (intake && hold) await hold;
                  return o.commit();
                };
              }
              const v = Reflect.get(o, p);
              return typeof v === "function" ? v.bind(o) : v;
            },
          });
          return wrapped;
        };
      }
      const v = Reflect.get(target, prop);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  return {
    kv: proxy,
    written,
    /** Holds back the writes of kept updates until the returned function is called. */
    holdKeeps(): () => void {
      let release!: () => void;
      hold = new Promise<void>((r) => (release = r));
      return () => {
        hold = null;
        release();
      };
    },
  };
}

/** A bot whose handler marks each text's update processed (the service's idempotence). */
async function markingBot(
  emu: Awaited<ReturnType<typeof startEmulator>>,
  token: string,
  kv: Deno.Kv,
  gate: Promise<void>,
  seen: Map<string, number>,
  done: string[],
) {
  const bot = new Bot(token, { client: { apiRoot: emu.apiRoot } });
  bot.on("message:text", async (ctx) => {
    const text = ctx.message.text;
    seen.set(text, (seen.get(text) ?? 0) + 1);
    if (text.startsWith("slow")) await gate;
    if (await markProcessed(kv, "client", ctx.update.update_id, 0)) done.push(text);
  });
  await bot.init();
  return bot;
}

const until = async (f: () => boolean | Promise<boolean>, what: string) => {
  for (let i = 0; i < 500; i++) {
    if (await f()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`Timed out waiting for ${what}`);
};

Deno.test({
  name:
    "poller: an update handled before its offset is confirmed is never written to KV; a slow one is kept before the next getUpdates",
  ...sanitize,
  fn: async () => {
    const emu = await startEmulator({ timeScale: 0.01 });
    const real = await Deno.openKv(":memory:");
    const w = watchedKv(real);
    const b = emu.createBot({ username: "p_keep_bot" });
    const [u1, u2] = [emu.createUser({ firstName: "A" }), emu.createUser({ firstName: "B" })];
    // one batch: both are waiting when polling starts
    emu.userSend(u1.id, b.id, { text: "fast" });
    emu.userSend(u2.id, b.id, { text: "slow" });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seen = new Map<string, number>();
    const done: string[] = [];
    const bot = await markingBot(emu, b.token, w.kv, gate, seen, done);
    const poller = new DurablePoller({
      bot,
      name: "client",
      kv: w.kv,
      log: silentLogger,
      clock: new ManualClock(),
      timeoutSec: 1,
    });
    poller.start();
    // the next getUpdates confirmed the batch's offset
    await until(
      async () => (await bot.api.getWebhookInfo()).pending_update_count === 0,
      "offset confirmed",
    );
    const kept = await listIntake(real, "client");
    assert.deepEqual(kept.map((u) => u.message?.text), ["slow"], "the slow one is kept");
    assert.deepEqual(done, ["fast"]);
    assert.deepEqual(w.written, [kept[0]!.update_id], "the handled one was never written");
    release();
    await poller.idle();
    await poller.stop();
    assert.deepEqual(done, ["fast", "slow"]);
    assert.equal((await listIntake(real, "client")).length, 0, "the kept one is forgotten");
    real.close();
    await emu.close();
    assertNoAnomalies(emu);
  },
});

Deno.test({
  name:
    "poller: an update handled while its late copy is being written is still forgotten once the write lands",
  ...sanitize,
  fn: async () => {
    const emu = await startEmulator({ timeScale: 0.01 });
    const real = await Deno.openKv(":memory:");
    const w = watchedKv(real);
    const b = emu.createBot({ username: "p_race_bot" });
    const u1 = emu.createUser({ firstName: "A" });
    emu.userSend(u1.id, b.id, { text: "slow" });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seen = new Map<string, number>();
    const done: string[] = [];
    const bot = await markingBot(emu, b.token, w.kv, gate, seen, done);
    const letKeep = w.holdKeeps();
    const poller = new DurablePoller({
      bot,
      name: "client",
      kv: w.kv,
      log: silentLogger,
      clock: new ManualClock(),
      timeoutSec: 1,
      keepAfterMs: 10,
    });
    poller.start();
    await until(() => w.written.length === 1, "the late copy's write under way");
    // handled (and its removal due) while the write of its copy has not landed
    release();
    await until(() => done.length === 1, "handled");
    await new Promise((r) => setTimeout(r, 60));
    letKeep();
    await poller.idle();
    await poller.stop();
    assert.equal(seen.get("slow"), 1);
    assert.equal((await listIntake(real, "client")).length, 0, "no kept copy left behind");
    real.close();
    await emu.close();
    assertNoAnomalies(emu);
  },
});

Deno.test({
  name:
    "poller: stopped mid-batch before the offset is confirmed, a new poller gets the batch again from Telegram and every update takes effect once",
  ...sanitize,
  fn: async () => {
    const emu = await startEmulator({ timeScale: 0.01 });
    const kv = await Deno.openKv(":memory:");
    const b = emu.createBot({ username: "p_restart_bot" });
    const [u1, u2] = [emu.createUser({ firstName: "A" }), emu.createUser({ firstName: "B" })];
    emu.userSend(u1.id, b.id, { text: "a" });
    emu.userSend(u1.id, b.id, { text: "slow" });
    emu.userSend(u1.id, b.id, { text: "c" });
    emu.userSend(u2.id, b.id, { text: "b" });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seen = new Map<string, number>();
    const done: string[] = [];
    const opts = { kv, log: silentLogger, clock: new ManualClock(), timeoutSec: 1 };
    const bot1 = await markingBot(emu, b.token, kv, gate, seen, done);
    // a long wait: it is stopped before it keeps anything or confirms the offset
    const first = new DurablePoller({ bot: bot1, name: "client", ...opts, keepAfterMs: 60_000 });
    first.start();
    await until(() => done.length === 2, "a and b handled");
    const stopping = first.stop();
    assert.equal((await listIntake(kv, "client")).length, 0, "nothing was kept");
    assert.equal((await bot1.api.getWebhookInfo()).pending_update_count, 4, "none confirmed");

    // the restart: Telegram delivers the batch again
    const bot2 = await markingBot(emu, b.token, kv, gate, seen, done);
    const second = new DurablePoller({ bot: bot2, name: "client", ...opts });
    second.start();
    await until(() => (seen.get("a") ?? 0) === 2 && seen.get("slow") === 2, "delivered again");
    release();
    await stopping;
    await until(() => done.length === 4, "all handled");
    await second.idle();
    await until(
      async () => (await bot2.api.getWebhookInfo()).pending_update_count === 0,
      "offset confirmed",
    );
    await second.stop();
    assert.deepEqual(done.toSorted(), ["a", "b", "c", "slow"], "each took effect once");
    assert.ok(done.indexOf("slow") < done.indexOf("c"), "in the chat's order");
    assert.equal((await listIntake(kv, "client")).length, 0, "nothing left in the inbox");
    kv.close();
    await emu.close();
    assertNoAnomalies(emu);
  },
});
