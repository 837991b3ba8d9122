/**
 * One rule of who may change a ticket, on every path: post buttons (also forged from a private
 * chat), thread commands and the manager bot's desk.
 */
import assert from "node:assert/strict";
import { getTicket } from "../src/storage/tickets.ts";
import { clientOpensTicket, managerSays, startWorld } from "./harness.ts";

Deno.test("a manager cannot close, reopen or block a colleague's ticket by any path", async () => {
  const w = await startWorld();
  try {
    const [maria, ivan] = w.managers;
    const alice = await w.newClient("Alice");
    const n = await clientOpensTicket(w, alice.id, "Оплата", "Деньги не пришли");
    const post = (await getTicket(w.kv, n))!.postId!;
    const press = (who: number, data: string, chat = w.channelId, msg = post, forged = false) => {
      const q = w.emu.userPressButton(who, chat, msg, data, { forged });
      return w.until(() => w.emu.callbackAnswer(q) !== undefined, `answer to ${data}`).then(() =>
        String(w.emu.callbackAnswer(q)?.text ?? "")
      );
    };
    assert.match(await press(maria!.id, `p:take:${n}`), /#\d+/);
    await w.until(async () => (await getTicket(w.kv, n))?.managerId === maria!.id, "taken");

    // Ivan presses close under the post: refused, the ticket stays Maria's and open
    assert.match(await press(ivan!.id, `p:close:${n}`), /ведёт другой менеджер/);
    // the same data pressed in Ivan's private chat with the manager bot: refused as forged
    w.emu.userStartBot(ivan!.id, w.managerBot.id);
    await w.until(() => w.emu.view(ivan!.id, w.managerBot.id).length >= 2, "Ivan's desk");
    const inPrivate = w.emu.view(ivan!.id, w.managerBot.id).at(-1)!.id;
    assert.match(
      await press(ivan!.id, `p:close:${n}`, w.managerBot.id, inPrivate, true),
      /только под постом/,
    );
    // and as a thread command
    managerSays(w, ivan!.id, n, { text: "/close" });
    managerSays(w, ivan!.id, n, { text: "/block спам" });
    await w.until(
      async () =>
        (await w.thread(n)).filter((m) => /ведёт другой менеджер/.test(m.text ?? "")).length >= 2,
      "both refusals in the thread",
    );
    const tk = (await getTicket(w.kv, n))!;
    assert.equal(tk.status, "in_progress");
    assert.equal(tk.managerId, maria!.id);
    const { getClient } = await import("../src/storage/people.ts");
    const client = await getClient(w.kv, alice.id);
    assert.ok(client, "the client exists");
    assert.equal(client.blocked, null, "not blocked by Ivan");

    // Maria may, from her post
    assert.match(await press(maria!.id, `p:close:${n}`), /#\d+/);
    await w.until(async () => (await getTicket(w.kv, n))?.status === "closed", "closed by Maria");
    await w.until(
      () =>
        w.emu.view(w.owner.id, w.channelId).some((m) =>
          m.id === post && JSON.stringify(m.replyMarkup ?? "").includes(`p:reopen:${n}`)
        ),
      "the reopen button on the post",
    );
    assert.match(await press(ivan!.id, `p:reopen:${n}`), /ведёт другой менеджер/);
    assert.equal((await getTicket(w.kv, n))?.status, "closed");
  } finally {
    await w.stop();
  }
});

Deno.test("a non-manager's flood in a thread costs one notice per hour, not one per comment", async () => {
  const w = await startWorld();
  try {
    const alice = await w.newClient("Alice");
    const n = await clientOpensTicket(w, alice.id, "Оплата", "Деньги не пришли");
    const tk = (await getTicket(w.kv, n))!;
    const stranger = w.emu.createUser({ firstName: "Stan", languageCode: "ru" });
    w.emu.setMember(w.groupId, stranger.id, { status: "member" });
    const notices = async () =>
      (await w.thread(n)).filter((m) => /вы не менеджер/.test(m.text ?? "")).length;
    for (let i = 0; i < 30; i++) {
      w.emu.userSend(stranger.id, w.groupId, { text: `spam ${i}` }, { replyTo: tk.threadId! });
    }
    await w.until(async () => (await notices()) >= 1, "the first notice");
    // every comment handled: the last one is marked processed
    await w.until(
      () => w.clientUpdates.length > 0 && w.emu.calls(w.clientBot.id).length > 0,
      "updates fetched",
    );
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await notices(), 1, "one notice for 30 comments");
    assert.ok(!w.clientView(alice.id).some((m) => /spam/.test(m.text ?? "")), "nothing relayed");

    // an hour later the same person is noticed again
    w.clock.advance(3_600_001);
    w.emu.userSend(stranger.id, w.groupId, { text: "spam again" }, { replyTo: tk.threadId! });
    await w.until(async () => (await notices()) === 2, "the next hour's notice");
  } finally {
    await w.stop();
  }
});

Deno.test("a client's flood: 30 messages a minute go through in order, the rest is refused and told once", async () => {
  const w = await startWorld({ limits: false });
  try {
    const alice = await w.newClient("Alice");
    const n = await clientOpensTicket(w, alice.id, "Оплата", "q");
    // the ticket's first messages count too: the topic and the question (/new is a command)
    const before = 2;
    for (let i = 0; i < 50; i++) w.emu.userSend(alice.id, w.clientBot.id, { text: `f${i}` });
    const relayed = async () =>
      (await w.thread(n)).map((m) => m.text ?? "").filter((t) => /^f\d+$/.test(t));
    await w.until(async () => (await relayed()).length >= 30 - before, "the accepted part");
    await w.until(
      () => w.clientView(alice.id).some((m) => !m.outgoing && /слишком быстро/.test(m.text ?? "")),
      "the client told",
    );
    await w.until(
      async () => (await w.thread(n)).some((m) => /больше 30 сообщений/.test(m.text ?? "")),
      "the managers told",
    );
    await new Promise((r) => setTimeout(r, 300));
    const got = await relayed();
    assert.deepEqual(got, Array.from({ length: 30 - before }, (_, i) => `f${i}`), "in order");
    assert.equal(
      w.clientView(alice.id).filter((m) => !m.outgoing && /слишком быстро/.test(m.text ?? ""))
        .length,
      1,
      "told once",
    );
    // the next minute the client is heard again
    w.clock.advance(60_000);
    w.emu.userSend(alice.id, w.clientBot.id, { text: "after" });
    await w.until(async () => (await w.thread(n)).some((m) => m.text === "after"), "heard again");
  } finally {
    await w.stop();
  }
});
