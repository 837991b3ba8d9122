import assert from "node:assert/strict";
import { RATE, startEmulator } from "../../src/emulator/mod.ts";
import { api, ok, scenario } from "./helpers.ts";

// clocks scaled only so far that a loaded machine still makes its calls within one window
Deno.test("429 per group: 20 per minute, retry_after in Telegram seconds, scaled waits", async () => {
  const { emu, clientBot, group } = await scenario({ limits: true, timeScale: 0.05 });
  try {
    for (let i = 0; i < RATE.groupPerWindow; i++) {
      // spread over > 1 Telegram second so the 30/s overall limit does not trigger first
      await ok(emu, clientBot.token, "sendMessage", { chat_id: group.id, text: `m${i}` });
    }
    const a = await api(emu, clientBot.token, "sendMessage", { chat_id: group.id, text: "over" });
    assert.equal(a.error_code, 429);
    const n = a.parameters!.retry_after!;
    assert.ok(Number.isInteger(n) && n >= 1 && n <= 60, String(n));
    assert.equal(a.description, `Too Many Requests: retry after ${n}`);
    assert.equal(emu.tooManyRequests(clientBot.id), 1);
    // an album counts per item: 2 items don't fit either
    const album = await api(emu, clientBot.token, "sendMediaGroup", {
      chat_id: group.id,
      media: [{ type: "photo", media: "https://x/1.jpg" }, {
        type: "photo",
        media: "https://x/2.jpg",
      }],
    });
    assert.equal(album.error_code, 429);
    // waiting retry_after * timeScale real seconds is enough
    await new Promise((r) => setTimeout(r, emu.retryAfterMs(n) + 5));
    assert.equal(
      (await api(emu, clientBot.token, "sendMessage", { chat_id: group.id, text: "ok" })).ok,
      true,
    );
    // switchable off
    emu.setLimits(false);
    for (let i = 0; i < 40; i++) {
      assert.equal(
        (await api(emu, clientBot.token, "sendMessage", { chat_id: group.id, text: "x" })).ok,
        true,
      );
    }
  } finally {
    await emu.close();
  }
});

Deno.test("429 in a private chat after a short burst; edits count too", async () => {
  const emu = await startEmulator({ timeScale: 1 });
  try {
    const bot = emu.createBot({ username: "a_bot" });
    const u = emu.createUser({ firstName: "U" });
    emu.userStartBot(u.id, bot.id);
    const results: number[] = [];
    let last = 0;
    for (let i = 0; i < RATE.privateBurst + 1; i++) {
      const a = await api(emu, bot.token, "sendMessage", { chat_id: u.id, text: `m${i}` });
      results.push(a.ok ? 200 : a.error_code!);
      if (a.ok) last = (a.result as { message_id: number }).message_id;
    }
    assert.deepEqual(results, [200, 200, 200, 429]);
    const e = await api(emu, bot.token, "editMessageText", {
      chat_id: u.id,
      message_id: last,
      text: "e",
    });
    assert.equal(e.error_code, 429);
    await new Promise((r) => setTimeout(r, emu.retryAfterMs(e.parameters!.retry_after!) + 5));
    assert.equal(
      (await api(emu, bot.token, "editMessageText", { chat_id: u.id, message_id: last, text: "e" }))
        .ok,
      true,
    );
  } finally {
    await emu.close();
  }
});

Deno.test("30 messages per second per bot overall", async () => {
  const emu = await startEmulator({ timeScale: 1 });
  try {
    const bot = emu.createBot({ username: "a_bot" });
    const users = Array.from({ length: 31 }, (_, i) => emu.createUser({ firstName: `U${i}` }));
    for (const u of users) emu.userStartBot(u.id, bot.id);
    const codes = [];
    for (const u of users) {
      const a = await api(emu, bot.token, "sendMessage", { chat_id: u.id, text: "hi" });
      codes.push(a.ok ? 200 : a.error_code);
    }
    assert.equal(codes.filter((c) => c === 200).length, RATE.globalPerWindow);
    assert.equal(codes.at(-1), 429);
  } finally {
    await emu.close();
  }
});

Deno.test("faults: injected 500, dropped connections, drop-after executes", async () => {
  const emu = await startEmulator({ limits: false });
  try {
    const bot = emu.createBot({ username: "a_bot" });
    const u = emu.createUser({ firstName: "U" });
    emu.userStartBot(u.id, bot.id);
    emu.failNext({ method: "sendMessage", botId: bot.id, kind: "500" });
    let a = await api(emu, bot.token, "sendMessage", { chat_id: u.id, text: "a" });
    assert.deepEqual(a, { ok: false, error_code: 500, description: "Internal Server Error" });
    emu.failNext({ method: "sendMessage", kind: "drop" });
    await assert.rejects(() => api(emu, bot.token, "sendMessage", { chat_id: u.id, text: "b" }));
    emu.failNext({ method: "sendMessage", kind: "drop-after" });
    await assert.rejects(() => api(emu, bot.token, "sendMessage", { chat_id: u.id, text: "c" }));
    // getMe unaffected; only "c" was delivered
    assert.equal((await api(emu, bot.token, "getMe")).ok, true);
    assert.deepEqual(emu.view(u.id, bot.id).map((v) => v.text), ["/start", "c"]);
    emu.failNext({ kind: "429", retryAfter: 3 });
    a = await api(emu, bot.token, "getMe");
    assert.equal(a.parameters?.retry_after, 3);
    assert.ok(emu.calls(bot.id).some((c) => c.errorCode === 500));
  } finally {
    await emu.close();
  }
});

Deno.test("setWebhook: a second one within a Telegram second is 429 retry after 1, identical or not", async () => {
  const { emu, clientBot } = await scenario({ limits: true, timeScale: 0.5, webhookPorts: "any" });
  try {
    const set = (secret: string) =>
      api(emu, clientBot.token, "setWebhook", {
        url: "http://127.0.0.1:1/hook",
        secret_token: secret,
      });
    assert.equal((await set("a")).ok, true);
    // Client.cpp process_set_webhook_query: next_allowed_set_webhook_time_ = now + 1
    const soon = await set("a");
    assert.equal(soon.error_code, 429);
    assert.equal(soon.description, "Too Many Requests: retry after 1");
    assert.equal(soon.parameters?.retry_after, 1);
    assert.equal((await set("b")).error_code, 429);
    // removing it is never limited
    assert.equal((await api(emu, clientBot.token, "deleteWebhook")).ok, true);
    await new Promise((r) => setTimeout(r, emu.retryAfterMs(1) + 5));
    assert.equal((await set("b")).ok, true);
  } finally {
    await emu.close();
  }
});
