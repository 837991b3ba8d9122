import assert from "node:assert/strict";
import { startEmulator } from "../../src/emulator/mod.ts";
import { api, ok } from "./helpers.ts";

// Test code reads deep into Bot API objects; full typings would add nothing here.
// deno-lint-ignore no-explicit-any
type Msg = Record<string, any>;

Deno.test("getUpdates: offset confirms, timeout waits and wakes, limit, 409 for the older poller", async () => {
  const emu = await startEmulator({ limits: false, timeScale: 0.01 });
  try {
    const bot = emu.createBot({ username: "a_bot" });
    const u = emu.createUser({ firstName: "U" });
    for (const t of ["1", "2", "3"]) emu.userSend(u.id, bot.id, { text: t });
    let ups = await ok<Msg[]>(emu, bot.token, "getUpdates", { limit: 2 });
    assert.deepEqual(ups.map((x) => x.message.text), ["1", "2"]);
    // not confirmed yet: same again
    ups = await ok<Msg[]>(emu, bot.token, "getUpdates", {});
    assert.equal(ups.length, 3);
    ups = await ok<Msg[]>(emu, bot.token, "getUpdates", { offset: ups[1]!.update_id + 1 });
    assert.deepEqual(ups.map((x) => x.message.text), ["3"]);
    const next = ups[0]!.update_id + 1;
    // an empty long poll waits timeout * timeScale (5 s -> 50 ms)
    const t0 = performance.now();
    assert.deepEqual(await ok(emu, bot.token, "getUpdates", { offset: next, timeout: 5 }), []);
    assert.ok(performance.now() - t0 >= 40);
    // a pending poll wakes as soon as an update is queued
    const pending = ok<Msg[]>(emu, bot.token, "getUpdates", { offset: next, timeout: 1000 });
    await new Promise((r) => setTimeout(r, 10));
    emu.userSend(u.id, bot.id, { text: "wake" });
    assert.equal((await pending)[0]!.message.text, "wake");
    // a second poller terminates the first with 409
    const first = api(emu, bot.token, "getUpdates", { offset: next + 1, timeout: 1000 });
    await new Promise((r) => setTimeout(r, 10));
    const second = api(emu, bot.token, "getUpdates", { offset: next + 1, timeout: 1 });
    assert.deepEqual(await first, {
      ok: false,
      error_code: 409,
      description:
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    });
    assert.deepEqual((await second).result, []);
  } finally {
    await emu.close();
  }
});

Deno.test("webhook: secret header, redelivery with backoff, getWebhookInfo, 409 for getUpdates", async () => {
  const emu = await startEmulator({ limits: false, timeScale: 0.001, webhookPorts: "any" });
  const got: { secret: string | null; body: Msg }[] = [];
  let failFirst = 2;
  const hook = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const body = await req.json();
    if (failFirst-- > 0) return new Response("boom", { status: 500 });
    got.push({ secret: req.headers.get("X-Telegram-Bot-Api-Secret-Token"), body });
    return new Response("ok");
  });
  try {
    const bot = emu.createBot({ username: "a_bot" });
    const u = emu.createUser({ firstName: "U" });
    emu.userSend(u.id, bot.id, { text: "before" });
    await ok(emu, bot.token, "setWebhook", {
      url: `http://127.0.0.1:${hook.addr.port}/hook`,
      secret_token: "s3cret",
      drop_pending_updates: true,
    });
    const a = await api(emu, bot.token, "getUpdates", {});
    assert.equal(a.error_code, 409);
    assert.equal(
      a.description,
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    );
    emu.userSend(u.id, bot.id, { text: "one" });
    emu.userSend(u.id, bot.id, { text: "two" });
    await emu.waitFor(() => got.length === 2, { timeoutMs: 3000 });
    assert.deepEqual(got.map((g) => g.body.message.text), ["one", "two"]);
    assert.ok(got.every((g) => g.secret === "s3cret"));
    // the update counts as pending until the bot's answer is read, a moment after it was seen
    let info = await ok<Msg>(emu, bot.token, "getWebhookInfo");
    for (let i = 0; i < 100 && info.pending_update_count !== 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
      info = await ok<Msg>(emu, bot.token, "getWebhookInfo");
    }
    assert.equal(info.pending_update_count, 0);
    assert.match(info.last_error_message, /500/);
    await ok(emu, bot.token, "deleteWebhook");
    assert.equal((await ok<Msg>(emu, bot.token, "getWebhookInfo")).url, "");
    assert.equal((await api(emu, bot.token, "getUpdates", {})).ok, true);
  } finally {
    await emu.close();
    await hook.shutdown();
  }
});

Deno.test("webhook: connection errors are retried and counted as pending", async () => {
  const emu = await startEmulator({ limits: false, timeScale: 0.001, webhookPorts: "any" });
  try {
    const bot = emu.createBot({ username: "a_bot" });
    const u = emu.createUser({ firstName: "U" });
    // a port nobody listens on
    const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (l.addr as Deno.NetAddr).port;
    l.close();
    await ok(emu, bot.token, "setWebhook", { url: `http://127.0.0.1:${port}/` });
    emu.userSend(u.id, bot.id, { text: "lost?" });
    const info = await emu.waitFor(async () => {
      const i = await ok<Msg>(emu, bot.token, "getWebhookInfo");
      return i.last_error_message ? i : undefined;
    }, { timeoutMs: 3000 });
    assert.equal(info.pending_update_count, 1);
  } finally {
    await emu.close();
  }
});
