/**
 * Webhook delivery like the Bot API server (WebhookActor.cpp): one request at a time per queue
 * (chat, or user for callback queries), queues in parallel up to max_connections, per-queue
 * backoff on failure, a 60 Telegram-second request timeout.
 */
import assert from "node:assert/strict";
import { type Emulator, startEmulator } from "../../src/emulator/mod.ts";
import { api, ok } from "./helpers.ts";

// Test code reads deep into Bot API objects; full typings would add nothing here.
// deno-lint-ignore no-explicit-any
type Msg = Record<string, any>;

/** A manually resolved promise. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((r) => open = r);
  return { promise, open };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Label of an update: message text or callback data. */
function label(u: Msg): string {
  return u.message?.text ?? u.callback_query?.data ?? Object.keys(u).join(",");
}

/**
 * A webhook endpoint: `answer` decides each request (may wait); records arrivals, the requests
 * in flight and the peak of parallel requests.
 */
async function hook(emu: Emulator, answer: (u: Msg) => Promise<Response> | Response) {
  const arrived: string[] = [];
  let inflight = 0;
  let peak = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const u = await req.json() as Msg;
    arrived.push(label(u));
    peak = Math.max(peak, ++inflight);
    try {
      return await answer(u);
    } finally {
      inflight--;
    }
  });
  const bot = emu.createBot({ username: "hook_bot" });
  const url = `http://127.0.0.1:${server.addr.port}/`;
  const set = (params: Record<string, unknown> = {}) =>
    ok(emu, bot.token, "setWebhook", { url, ...params });
  await set();
  return {
    bot,
    url,
    arrived,
    set,
    peak: () => peak,
    resetPeak: () => peak = inflight,
    close: () => server.shutdown(),
  };
}

// timeScale 0.01: backoff 10, 20, 40 ... ms; the request timeout (60 s) is 600 ms.
const scale = 0.01;

Deno.test("webhook: the next update of a chat waits until the previous request returned", async () => {
  const emu = await startEmulator({ limits: false, timeScale: scale, webhookPorts: "any" });
  const secondArrived = gate();
  const release = gate();
  const h = await hook(emu, async (u) => {
    const t = label(u);
    if (t === "2") secondArrived.open();
    // A handler that waits inside its request for the chat's next update waits until it returns.
    if (t === "1") await Promise.race([secondArrived.promise, release.promise]);
    return new Response("ok");
  });
  try {
    const ann = emu.createUser({ firstName: "Ann" });
    const bob = emu.createUser({ firstName: "Bob" });
    emu.userSend(ann.id, h.bot.id, { text: "1" });
    emu.userSend(ann.id, h.bot.id, { text: "2" });
    emu.userSend(bob.id, h.bot.id, { text: "other chat" });
    // Bob's chat is not held up by Ann's waiting handler; Ann's second update is.
    await emu.waitFor(() => h.arrived.includes("other chat"), { timeoutMs: 2000 });
    await sleep(200);
    assert.deepEqual(h.arrived.filter((t) => t !== "other chat"), ["1"]);
    const info = await ok<Msg>(emu, h.bot.token, "getWebhookInfo");
    assert.equal(info.pending_update_count, 2);
    release.open();
    await emu.waitFor(() => h.arrived.includes("2"), { timeoutMs: 2000 });
    assert.deepEqual(h.arrived.filter((t) => t !== "other chat"), ["1", "2"]);
    await emu.waitFor(async () =>
      (await ok<Msg>(emu, h.bot.token, "getWebhookInfo")).pending_update_count === 0
    );
  } finally {
    secondArrived.open();
    release.open();
    await emu.close();
    await h.close();
  }
});

Deno.test("webhook: updates of different chats are delivered in parallel", async () => {
  const emu = await startEmulator({ limits: false, timeScale: scale, webhookPorts: "any" });
  const both = gate();
  let started = 0;
  const h = await hook(emu, async () => {
    if (++started === 2) both.open();
    // each handler returns only once both requests are in flight
    await both.promise;
    return new Response("ok");
  });
  try {
    const ann = emu.createUser({ firstName: "Ann" });
    const bob = emu.createUser({ firstName: "Bob" });
    emu.userSend(ann.id, h.bot.id, { text: "from ann" });
    emu.userSend(bob.id, h.bot.id, { text: "from bob" });
    await emu.waitFor(() => h.arrived.length === 2, { timeoutMs: 400 });
    assert.deepEqual([...h.arrived].sort(), ["from ann", "from bob"]);
    assert.equal(h.peak(), 2);
  } finally {
    both.open();
    await emu.close();
    await h.close();
  }
});

Deno.test("webhook: at most max_connections requests at once; 1 serialises everything", async () => {
  const emu = await startEmulator({ limits: false, timeScale: scale, webhookPorts: "any" });
  let release = gate();
  const h = await hook(emu, async () => {
    await release.promise;
    return new Response("ok");
  });
  try {
    await h.set({ max_connections: 2 });
    const users = ["A", "B", "C"].map((n) => emu.createUser({ firstName: n }));
    for (const u of users) emu.userSend(u.id, h.bot.id, { text: `hi ${u.id}` });
    await emu.waitFor(() => h.arrived.length === 2, { timeoutMs: 2000 });
    await sleep(150);
    assert.equal(h.arrived.length, 2, "the third chat waits for a free connection");
    assert.equal(h.peak(), 2);
    release.open();
    await emu.waitFor(() => h.arrived.length === 3, { timeoutMs: 2000 });
    await emu.waitFor(async () =>
      (await ok<Msg>(emu, h.bot.token, "getWebhookInfo")).pending_update_count === 0
    );

    // max_connections 1: even different chats wait for each other
    release = gate();
    await h.set({ max_connections: 1 });
    h.resetPeak();
    for (const u of users) emu.userSend(u.id, h.bot.id, { text: `again ${u.id}` });
    await emu.waitFor(() => h.arrived.length === 4, { timeoutMs: 2000 });
    await sleep(150);
    assert.equal(h.arrived.length, 4);
    release.open();
    await emu.waitFor(() => h.arrived.length === 6, { timeoutMs: 2000 });
    assert.equal(h.peak(), 1);
    assert.deepEqual(h.arrived.slice(3), users.map((u) => `again ${u.id}`));
  } finally {
    release.open();
    await emu.close();
    await h.close();
  }
});

Deno.test("webhook: a failing chat is retried with backoff while other chats go on", async () => {
  const emu = await startEmulator({ limits: false, timeScale: scale, webhookPorts: "any" });
  let failAnn = true;
  const attempts: number[] = [];
  const h = await hook(emu, (u) => {
    if (u.message?.text === "ann") {
      attempts.push(performance.now());
      if (failAnn) {
        return new Response("down", { status: 500, statusText: "Internal Server Error" });
      }
    }
    return new Response("ok");
  });
  try {
    const ann = emu.createUser({ firstName: "Ann" });
    const bob = emu.createUser({ firstName: "Bob" });
    emu.userSend(ann.id, h.bot.id, { text: "ann" });
    emu.userSend(ann.id, h.bot.id, { text: "ann later" });
    for (const t of ["bob 1", "bob 2", "bob 3"]) emu.userSend(bob.id, h.bot.id, { text: t });
    // Bob's updates all arrive while Ann's first one keeps failing.
    await emu.waitFor(() => h.arrived.filter((t) => t.startsWith("bob")).length === 3, {
      timeoutMs: 2000,
    });
    await emu.waitFor(() => attempts.length >= 4, { timeoutMs: 3000 });
    assert.ok(!h.arrived.includes("ann later"), "the failing update blocks its own chat");
    // backoff 1, 2, 4 Telegram seconds (10, 20, 40 ms): the gaps grow
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!);
    assert.ok(gaps[0]! >= 8 && gaps[2]! >= 35, `gaps ${gaps}`);
    assert.ok(gaps[2]! > gaps[0]!, `gaps ${gaps}`);
    const info = await ok<Msg>(emu, h.bot.token, "getWebhookInfo");
    assert.equal(info.pending_update_count, 2);
    assert.equal(
      info.last_error_message,
      "Wrong response from the webhook: 500 Internal Server Error",
    );
    assert.equal(typeof info.last_error_date, "number");
    failAnn = false;
    await emu.waitFor(() => h.arrived.includes("ann later"), { timeoutMs: 3000 });
    assert.deepEqual(h.arrived.filter((t) => t.startsWith("ann")).slice(-2), ["ann", "ann later"]);
    await emu.waitFor(async () =>
      (await ok<Msg>(emu, h.bot.token, "getWebhookInfo")).pending_update_count === 0
    );
  } finally {
    await emu.close();
    await h.close();
  }
});

Deno.test("webhook: a user's callback queries queue together, apart from the user's messages", async () => {
  const emu = await startEmulator({ limits: false, timeScale: scale, webhookPorts: "any" });
  const release = gate();
  const h = await hook(emu, async (u) => {
    if (u.callback_query?.data === "first") await release.promise;
    return new Response("ok");
  });
  try {
    const ann = emu.createUser({ firstName: "Ann" });
    emu.userStartBot(ann.id, h.bot.id);
    await emu.waitFor(() => h.arrived.includes("/start"), { timeoutMs: 2000 });
    const m = await ok<Msg>(emu, h.bot.token, "sendMessage", {
      chat_id: ann.id,
      text: "pick",
      reply_markup: {
        inline_keyboard: [[
          { text: "1", callback_data: "first" },
          { text: "2", callback_data: "second" },
        ]],
      },
    });
    emu.userPressButton(ann.id, h.bot.id, m.message_id, "first");
    emu.userPressButton(ann.id, h.bot.id, m.message_id, "second");
    emu.userSend(ann.id, h.bot.id, { text: "meanwhile" });
    await emu.waitFor(() => h.arrived.includes("meanwhile"), { timeoutMs: 2000 });
    await sleep(150);
    assert.ok(h.arrived.includes("first"));
    assert.ok(!h.arrived.includes("second"), "the second press waits for the first answer");
    release.open();
    await emu.waitFor(() => h.arrived.includes("second"), { timeoutMs: 2000 });
    assert.ok(h.arrived.indexOf("first") < h.arrived.indexOf("second"));
  } finally {
    release.open();
    await emu.close();
    await h.close();
  }
});

Deno.test("webhook: a request unanswered for 60 s fails with Read timeout expired and is retried", async () => {
  const emu = await startEmulator({ limits: false, timeScale: 0.002, webhookPorts: "any" });
  const release = gate();
  let calls = 0;
  const h = await hook(emu, async () => {
    // the first request hangs beyond the timeout (120 ms at this scale)
    if (++calls === 1) await release.promise;
    return new Response("ok");
  });
  try {
    const ann = emu.createUser({ firstName: "Ann" });
    emu.userSend(ann.id, h.bot.id, { text: "slow" });
    await emu.waitFor(() => h.arrived.length === 2, { timeoutMs: 2000 });
    assert.deepEqual(h.arrived, ["slow", "slow"]);
    const info = await emu.waitFor(async () => {
      const i = await ok<Msg>(emu, h.bot.token, "getWebhookInfo");
      return i.pending_update_count === 0 ? i : undefined;
    });
    assert.equal(info.last_error_message, "Read timeout expired");
  } finally {
    release.open();
    await emu.close();
    await h.close();
  }
});

Deno.test("webhook: the same setWebhook again leaves delivery running; a changed one restarts it", async () => {
  const emu = await startEmulator({ limits: false, timeScale: scale, webhookPorts: "any" });
  const release = gate();
  const h = await hook(emu, async (u) => {
    if (label(u) === "held") await release.promise;
    return new Response("ok");
  });
  try {
    const ann = emu.createUser({ firstName: "Ann" });
    emu.userSend(ann.id, h.bot.id, { text: "held" });
    await emu.waitFor(() => h.arrived.includes("held"), { timeoutMs: 2000 });
    // Client.cpp: same URL, secret and connections, nothing to drop → "Webhook is already set"
    const again = await api(emu, h.bot.token, "setWebhook", { url: h.url });
    assert.equal(again.ok, true);
    assert.equal(again.description, "Webhook is already set");
    release.open();
    await emu.waitFor(async () =>
      (await ok<Msg>(emu, h.bot.token, "getWebhookInfo")).pending_update_count === 0
    );
    await sleep(100);
    assert.deepEqual(h.arrived, ["held"], "the request in flight was not dropped and resent");
    // another secret is another webhook: delivery restarts
    const changed = await api(emu, h.bot.token, "setWebhook", { url: h.url, secret_token: "s2" });
    assert.equal(changed.ok, true);
    assert.equal(changed.description, undefined);
    assert.equal(
      (await api(emu, h.bot.token, "deleteWebhook")).description,
      "Webhook was deleted",
    );
    assert.equal(
      (await api(emu, h.bot.token, "deleteWebhook")).description,
      "Webhook is already deleted",
    );
  } finally {
    release.open();
    await emu.close();
    await h.close();
  }
});
