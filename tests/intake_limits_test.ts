import assert from "node:assert/strict";
import { Bot } from "grammy";
import type { Update } from "grammy/types";
import { startEmulator } from "../src/emulator/mod.ts";
import { ManualClock } from "../src/clock.ts";
import { silentLogger } from "../src/log.ts";
import { DurablePoller } from "../src/runtime/poller.ts";
import { dropIntake, listIntake, saveIntake } from "../src/storage/intake.ts";
import { assertNoAnomalies } from "./emulator/anomaly_check.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };
const cyrillic = (n: number, seed: number) =>
  Array.from({ length: n }, (_, i) => "абвгдежзийклмнопрстуфхцчшщэюя"[(i + seed) % 29]).join("");

Deno.test({
  name:
    "intake: 100 queued messages of 4,096 Cyrillic characters are all stored and handled after a restart",
  ...sanitize,
  fn: async () => {
    const emu = await startEmulator({ timeScale: 0.01, limits: false });
    const kv = await Deno.openKv(":memory:");
    const b = emu.createBot({ username: "big_batch_bot" });
    const user = emu.createUser({ firstName: "U" });
    emu.userStartBot(user.id, b.id);
    // the service was down: Telegram kept them all, getUpdates returns them in one batch
    for (let i = 0; i < 100; i++) emu.userSend(user.id, b.id, { text: cyrillic(4096, i) });
    const bot = new Bot(b.token, { client: { apiRoot: emu.apiRoot } });
    const handled = new Set<number>();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    bot.on("message:text", async (ctx) => {
      // held: the batch is not handled in time, so all of it is kept (in several operations)
      await gate;
      if (ctx.message.text.length === 4096) handled.add(ctx.message.message_id);
    });
    await bot.init();
    const poller = new DurablePoller({
      bot,
      name: "client",
      kv,
      log: silentLogger,
      clock: new ManualClock(),
      timeoutSec: 1,
    });
    poller.start();
    let kept = 0;
    for (let i = 0; i < 500 && kept < 100; i++) {
      await new Promise((r) => setTimeout(r, 10));
      kept = (await listIntake(kv, "client")).length;
    }
    assert.equal(kept, 100, "all of the batch is kept");
    release();
    for (let i = 0; i < 500 && handled.size < 100; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await poller.stop();
    assert.equal(handled.size, 100, "every long message was handled");
    assert.equal((await listIntake(kv, "client")).length, 0, "handled updates are forgotten");
    kv.close();
    await emu.close();
    assertNoAnomalies(emu);
  },
});

Deno.test("intake: an update over 64 KiB is kept in parts, read back whole and forgotten", async () => {
  const kv = await Deno.openKv(":memory:");
  const long = cyrillic(4096, 3);
  const big = {
    update_id: 7,
    message: {
      message_id: 1,
      date: 0,
      chat: { id: 1, type: "private", first_name: "U" },
      text: long,
      entities: Array.from({ length: 2000 }, (_, i) => ({ type: "bold", offset: i, length: 1 })),
      reply_to_message: { message_id: 0, date: 0, chat: { id: 1, type: "private" }, text: long },
    },
  } as unknown as Update;
  const small = { update_id: 8, message: { ...big.message!, text: "hi", entities: [] } } as Update;
  assert.ok(JSON.stringify(big).length * 2 > 65_536, "the update is over KV's value limit");
  await saveIntake(kv, "client", [big, small]);
  const back = await listIntake(kv, "client");
  assert.equal(back.length, 2);
  assert.deepEqual(back[0], big);
  assert.deepEqual(back[1], small);
  await dropIntake(kv, "client", [7]);
  const left = [];
  for await (const e of kv.list({ prefix: ["intake", "client"] })) left.push(e.key);
  assert.deepEqual(left, [["intake", "client", 8]], "the parts went with their update");
  kv.close();
});

Deno.test("intake: told which updates are in parts, forgetting finds their parts and reads no other", async () => {
  const kv = await Deno.openKv(":memory:");
  const long = cyrillic(4096, 5);
  const big = {
    update_id: 7,
    message: {
      message_id: 1,
      date: 0,
      chat: { id: 1, type: "private", first_name: "U" },
      text: long,
      entities: Array.from({ length: 2000 }, (_, i) => ({ type: "bold", offset: i, length: 1 })),
      reply_to_message: { message_id: 0, date: 0, chat: { id: 1, type: "private" }, text: long },
    },
  } as unknown as Update;
  const small = (id: number) =>
    ({ update_id: id, message: { ...big.message!, text: "hi", entities: [] } }) as Update;
  const parted = await saveIntake(kv, "client", [small(6), big, small(8)]);
  assert.deepEqual([...parted], [7], "the big update is the one kept in parts");
  const keys = async () => {
    const out: Deno.KvKey[] = [];
    for await (const e of kv.list({ prefix: ["intake", "client"] })) out.push(e.key);
    return out;
  };
  assert.ok((await keys()).length > 3, "the big update has parts of its own");
  await dropIntake(kv, "client", [6, 7], parted);
  assert.deepEqual(await keys(), [["intake", "client", 8]], "the parts went with their update");
  await dropIntake(kv, "client", [8], new Set());
  assert.deepEqual(await keys(), [], "a small update goes without a read");
  kv.close();
});

/** A real KV whose atomic commits fail `n` times first, like a locked or full database. */
function failingKv(kv: Deno.Kv, n: number): { kv: Deno.Kv; failed: () => number } {
  let failed = 0;
  const proxy = new Proxy(kv, {
    get(target, prop) {
      if (prop === "atomic") {
        return () => {
          const op = target.atomic();
          return new Proxy(op, {
            get(o, p) {
              if (p === "commit" && failed < n) {
                return () => {
                  failed++;
                  return Promise.reject(new TypeError("database is locked"));
                };
              }
              const v = Reflect.get(o, p);
              return typeof v === "function" ? v.bind(o) : v;
            },
          });
        };
      }
      const v = Reflect.get(target, prop);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  return { kv: proxy, failed: () => failed };
}

Deno.test({
  name: "intake: a locked database is waited out; the poller survives and nothing is lost",
  ...sanitize,
  fn: async () => {
    const emu = await startEmulator({ timeScale: 0.01, limits: false });
    const real = await Deno.openKv(":memory:");
    const { kv, failed } = failingKv(real, 3);
    const b = emu.createBot({ username: "locked_kv_bot" });
    const user = emu.createUser({ firstName: "U" });
    emu.userStartBot(user.id, b.id);
    for (let i = 0; i < 5; i++) emu.userSend(user.id, b.id, { text: `m${i}` });
    const bot = new Bot(b.token, { client: { apiRoot: emu.apiRoot } });
    const handled: string[] = [];
    bot.on("message:text", async (ctx) => {
      // slow until the writes failed: the batch is not handled in time, so it must be kept
      while (failed() < 3) await new Promise((r) => setTimeout(r, 5));
      handled.push(ctx.message.text);
    });
    await bot.init();
    const poller = new DurablePoller({
      bot,
      name: "client",
      kv,
      log: silentLogger,
      clock: new ManualClock(),
      timeoutSec: 1,
    });
    poller.start();
    for (let i = 0; i < 500 && handled.length < 6; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await poller.stop();
    assert.ok(failed() >= 3, "the writes did fail");
    assert.deepEqual(handled.filter((t) => t.startsWith("m")), ["m0", "m1", "m2", "m3", "m4"]);
    real.close();
    await emu.close();
    assertNoAnomalies(emu);
  },
});
