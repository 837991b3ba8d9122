/**
 * The fast lane (issue 18, item 4): the assigned manager gets the client's messages
 * themselves in the manager bot — texts at once, media copied from the discussion group once
 * there — and answers by replying to one: the answer reaches the client through the client
 * bot and stands in the ticket's thread like a comment, counted by the report.
 */
import assert from "node:assert/strict";
import type { Update } from "grammy/types";
import type { ViewMessage } from "../src/emulator/mod.ts";
import { buildReport } from "../src/services/report/report.ts";
import { deleteClient } from "../src/services/setup/privacy.ts";
import { getManager, putManager } from "../src/storage/people.ts";
import { getSettings } from "../src/storage/settings.ts";
import { findMessageRef, getTicket, listEvents, listMessages } from "../src/storage/tickets.ts";
import {
  buttonsOf,
  clientOpensTicket,
  type DeskWorld,
  sanitize,
  startDesk,
} from "./manager_harness.ts";

const MIN = 60_000;

/** What the manager bot sent `userId` (not what they wrote). */
function fromBot(w: DeskWorld, userId: number): ViewMessage[] {
  return w.mgrView(userId).filter((m) => !m.outgoing);
}

/** A manager takes ticket `n` in the manager bot (assigned, no reply yet). */
async function take(w: DeskWorld, managerId: number, n: number): Promise<void> {
  await w.ask(managerId, `/take ${n}`);
  await w.until(async () => (await getTicket(w.kv, n))?.managerId === managerId, "taken");
}

/** The fast-lane message of ticket `n` carrying `text` in the manager's chat. */
async function fastNote(w: DeskWorld, managerId: number, n: number, text: string) {
  const head = `✉️ #${n} · Оплата · Alice (@alice)\n`;
  let note: ViewMessage | undefined;
  await w.until(() => {
    note = fromBot(w, managerId).find((m) => (m.text ?? m.caption) === head + text);
    return note !== undefined;
  }, `fast lane: ${text}`);
  return note!;
}

Deno.test({
  name: "fast lane: a client's text at once; the reply reaches the client and the thread, counted",
  ...sanitize,
  fn: async () => {
    const w = await startDesk();
    try {
      const maria = w.managers[0]!;
      await w.ask(maria.id, "/start");
      const managerUpdates: Update[] = [];
      w.bots.manager.api.config.use(async (prev, method, payload, signal) => {
        const res = await prev(method, payload, signal);
        if (method === "getUpdates" && res.ok) managerUpdates.push(...(res.result as Update[]));
        return res;
      });
      const alice = await w.newClient("Alice");
      const n = await clientOpensTicket(w, alice.id, "Оплата", "Платёж завис");
      const created = (await getTicket(w.kv, n))!.createdAt;
      await take(w, maria.id, n);

      w.clock.advance(5 * MIN);
      const asked = w.emu.userSend(alice.id, w.clientBot.id, { text: "Где мой заказ?" });
      const note = await fastNote(w, maria.id, n, "Где мой заказ?");
      assert.ok(buttonsOf(note).some((b) => b.data === `m:t:${n}`), "the card's button");

      w.clock.advance(5 * MIN);
      const before = w.clientView(alice.id).length;
      const reply = w.emu.userSend(maria.id, w.managerBot.id, { text: "Уже отправили" }, {
        replyTo: note.id,
      });
      // the client gets it from the client bot, under the ticket's number, replying to the question
      await w.until(
        () => w.clientView(alice.id).some((m) => m.text === `#${n}\nУже отправили`),
        "the answer at the client",
      );
      const answer = w.clientView(alice.id).find((m) => m.text === `#${n}\nУже отправили`)!;
      assert.equal(answer.outgoing, false);
      assert.equal(answer.replyTo, asked.messageId);
      assert.equal(w.clientView(alice.id).length, before + 1, "one answer");

      // the thread: the answer under Maria's name, after the question, replying to it
      const mirrorText = "↩️ Maria ответил(а) из бота менеджеров:\nУже отправили";
      await w.until(async () => (await w.thread(n)).some((m) => m.text === mirrorText), "thread");
      const thread = await w.thread(n);
      const q = thread.findIndex((m) => m.text === "Где мой заказ?");
      const a = thread.findIndex((m) => m.text === mirrorText);
      assert.ok(q >= 0 && a > q, "in order");
      assert.equal(thread[a]!.replyTo, thread[q]!.id);

      // KV: a manager's answer like a comment; the report counts it as Maria's first reply
      await w.deps.outbox.idle();
      const out = (await listMessages(w.kv, n)).filter((m) => m.direction === "out");
      assert.equal(out.length, 1);
      assert.equal(out[0]!.senderId, maria.id);
      assert.equal(out[0]!.via, "desk");
      assert.equal(out[0]!.delivery, "sent");
      assert.equal(out[0]!.thread?.messageId, thread[a]!.id);
      // Maria's chat with the manager bot is not indexed: her id is also the id of her chat with
      // the client bot, should she write there as a customer
      assert.ok(await findMessageRef(w.kv, w.groupId, thread[a]!.id), "the comment is indexed");
      assert.equal(await findMessageRef(w.kv, maria.id, reply.messageId), null);
      const tk = (await getTicket(w.kv, n))!;
      assert.equal(tk.managerId, maria.id);
      assert.equal(tk.waitingSince, null);
      assert.equal(tk.cycles[0]!.firstReplyAt, created + 10 * MIN);
      const replied = (await listEvents(w.kv, n)).filter((e) => e.type === "replied");
      assert.equal(replied.length, 1);
      const dir = await Deno.makeTempDir();
      try {
        const summary = await buildReport(w.kv, {
          from: created - 86_400_000,
          to: created + 86_400_000,
          settings: await getSettings(w.kv),
          out: `${dir}/r.xlsx`,
          now: w.clock.now(),
          spillToMemory: true,
        });
        assert.equal(summary.messagesOut, 1);
        assert.equal(summary.medianFirstReplyMs, 10 * MIN);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }

      // Maria corrects her answer in the manager bot: the client's copy and the comment follow
      w.emu.userEdit(maria.id, w.managerBot.id, reply.messageId, "Уже отправили, трек 123");
      await w.until(
        () => w.clientView(alice.id).some((m) => m.text === `#${n}\nУже отправили, трек 123`),
        "the edit at the client",
      );
      assert.equal(
        w.clientView(alice.id).find((m) => m.id === answer.id)?.text,
        `#${n}\nУже отправили, трек 123`,
      );
      await w.until(
        async () =>
          (await w.thread(n)).find((m) => m.id === thread[a]!.id)?.text ===
            "↩️ Maria ответил(а) из бота менеджеров:\nУже отправили, трек 123",
        "the edit in the thread",
      );

      // Telegram delivers the reply again: nothing twice
      const upd = managerUpdates.find((u) => u.message?.text === "Уже отправили");
      assert.ok(upd, "the reply's update was seen");
      const seen = fromBot(w, maria.id).length;
      await w.bots.manager.handleUpdate(structuredClone(upd));
      await w.bots.manager.handleUpdate(structuredClone(upd));
      await w.deps.outbox.idle();
      assert.equal((await listMessages(w.kv, n)).filter((m) => m.direction === "out").length, 1);
      assert.equal(
        w.clientView(alice.id).filter((m) => m.text?.startsWith(`#${n}\nУже отправили`)).length,
        1,
      );
      assert.equal(
        (await w.thread(n)).filter((m) => m.text?.startsWith(mirrorText)).length,
        1,
      );
      assert.equal(fromBot(w, maria.id).length, seen, "nothing said to Maria either");
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "fast lane: media copied from the thread once there; a photo answer reaches the client",
  ...sanitize,
  fn: async () => {
    const w = await startDesk();
    try {
      const maria = w.managers[0]!;
      await w.ask(maria.id, "/start");
      const alice = await w.newClient("Alice");
      const n = await clientOpensTicket(w, alice.id, "Оплата", "Платёж завис");
      await take(w, maria.id, n);

      const receipt = w.emu.userSend(alice.id, w.clientBot.id, { photo: {}, caption: "Вот чек" });
      const photo = await fastNote(w, maria.id, n, "Вот чек");
      assert.equal(photo.kind, "photo");
      const sentPhoto = w.clientView(alice.id).find((m) => m.id === receipt.messageId);
      assert.ok(sentPhoto?.fileUniqueId);
      assert.equal(photo.fileUniqueId, sentPhoto.fileUniqueId, "the client's own photo");
      // the copy came after the thread's: the manager bot copied it from the group
      const inThread = (await w.thread(n)).find((m) => m.caption === "Вот чек");
      assert.ok(inThread, "in the thread");

      // a sticker has no caption for the line: the line, and the sticker under it
      w.emu.userSend(alice.id, w.clientBot.id, { sticker: { emoji: "👍" } });
      await w.until(() => fromBot(w, maria.id).some((m) => m.kind === "sticker"), "sticker");
      const sticker = fromBot(w, maria.id).find((m) => m.kind === "sticker")!;
      const line = fromBot(w, maria.id).find((m) => m.id === sticker.replyTo);
      assert.equal(line?.text, `✉️ #${n} · Оплата · Alice (@alice)`);

      // an album: the line, then its parts copied together, each answerable
      w.emu.userSendAlbum(alice.id, w.clientBot.id, [
        { photo: {}, caption: "Коробка" },
        { photo: {} },
      ]);
      await w.until(
        () => fromBot(w, maria.id).filter((m) => m.mediaGroupId !== undefined).length === 2,
        "the album",
      );
      const parts = fromBot(w, maria.id).filter((m) => m.mediaGroupId !== undefined);
      assert.equal(parts[0]!.caption, "Коробка");
      const albumLine = fromBot(w, maria.id).filter((m) =>
        m.text === `✉️ #${n} · Оплата · Alice (@alice)`
      );
      assert.equal(albumLine.length, 2, "the sticker's line and the album's");

      // Maria answers the photo with a photo of her own
      const label = w.emu.userSend(maria.id, w.managerBot.id, { photo: {}, caption: "Накладная" }, {
        replyTo: photo.id,
      });
      const labelId = w.mgrView(maria.id).find((m) => m.id === label.messageId)?.fileUniqueId;
      assert.ok(labelId);
      await w.until(
        () => w.clientView(alice.id).some((m) => m.fileUniqueId === labelId),
        "the photo at the client",
      );
      const got = w.clientView(alice.id).find((m) => m.fileUniqueId === labelId)!;
      assert.equal(got.kind, "photo");
      assert.equal(got.caption, `#${n}\nНакладная`);
      const thread = await w.thread(n);
      const mirror = thread.find((m) => m.fileUniqueId === labelId);
      assert.ok(mirror, "the answer in the thread");
      assert.equal(mirror.caption, "↩️ Maria ответил(а) из бота менеджеров:\nНакладная");
      assert.equal(mirror.sender.id, w.managerBot.id, "written by the bot that received it");
      assert.equal(mirror.replyTo, inThread.id);
      assert.ok(thread.indexOf(mirror) > thread.indexOf(inThread));
      await w.deps.outbox.idle();
      const out = (await listMessages(w.kv, n)).filter((m) => m.direction === "out");
      assert.equal(out.length, 1);
      assert.equal(out[0]!.delivery, "sent");
      assert.equal(out[0]!.copy?.chatId, alice.id);
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "fast lane: a transferred, closed or blocked ticket, or a former manager, is refused",
  ...sanitize,
  fn: async () => {
    const w = await startDesk();
    try {
      const [maria, ivan] = [w.managers[0]!, w.managers[1]!];
      await w.ask(maria.id, "/start");
      await w.ask(ivan.id, "/start");
      const alice = await w.newClient("Alice");
      const n = await clientOpensTicket(w, alice.id, "Оплата", "Платёж завис");
      await take(w, maria.id, n);
      w.emu.userSend(alice.id, w.clientBot.id, { text: "Первое" });
      const first = await fastNote(w, maria.id, n, "Первое");
      const answers = async () =>
        (await listMessages(w.kv, n)).filter((m) => m.direction === "out").length;

      // transferred to Ivan: Maria's reply is refused, naming who has it now
      await w.ask(maria.id, `/transfer ${n} ${ivan.id}`);
      await w.until(async () => (await getTicket(w.kv, n))?.managerId === ivan.id, "transfer");
      await replyRefused(w, maria.id, first.id, "Отвечаю", /#\d+ теперь ведёт Ivan/);
      assert.equal(await answers(), 0);

      // back with Maria, then closed: refused with how to reopen
      await w.ask(ivan.id, `/transfer ${n} ${maria.id}`);
      await w.until(async () => (await getTicket(w.kv, n))?.managerId === maria.id, "back");
      await w.ask(maria.id, `/close ${n}`);
      await w.until(async () => (await getTicket(w.kv, n))?.status === "closed", "closed");
      await replyRefused(w, maria.id, first.id, "Ещё", new RegExp(`закрыто.*/reopen ${n}`, "s"));

      // reopened and the client blocked (which closes it): the block is what is said
      await w.ask(maria.id, `/reopen ${n}`);
      await w.until(async () => (await getTicket(w.kv, n))?.status !== "closed", "reopened");
      await w.ask(maria.id, `/block ${alice.id}`);
      await w.until(async () => (await getTicket(w.kv, n))?.status === "closed", "blocked");
      await replyRefused(w, maria.id, first.id, "Алло", /заблокирован/);
      assert.equal(await answers(), 0);

      // Maria leaves the team: her old notification answers nobody
      await w.ask(maria.id, `/unblock ${alice.id}`);
      await w.ask(maria.id, `/reopen ${n}`);
      await w.until(async () => (await getTicket(w.kv, n))?.status !== "closed", "reopened");
      const m = (await getManager(w.kv, maria.id))!;
      await putManager(w.kv, { ...m, active: false });
      await replyRefused(w, maria.id, first.id, "Я ещё здесь", /только для менеджеров/);
      assert.equal(await answers(), 0);
    } finally {
      await w.stop();
    }
  },
});

/** The manager replies to their message `to`; asserts the refusal and that nothing was sent. */
async function replyRefused(
  w: DeskWorld,
  managerId: number,
  to: number,
  text: string,
  pattern: RegExp,
): Promise<void> {
  await w.deps.outbox.idle();
  await w.notifier.idle();
  const before = fromBot(w, managerId).length;
  const clientSends = () =>
    w.emu.calls(w.clientBot.id).filter((c) =>
      c.method !== "getUpdates" && c.method !== "editMessageText"
    ).length;
  const sendsBefore = clientSends();
  w.emu.userSend(managerId, w.managerBot.id, { text }, { replyTo: to });
  await w.until(
    () => fromBot(w, managerId).slice(before).some((m) => pattern.test(m.text ?? "")),
    `the refusal of "${text}"`,
  );
  await w.deps.outbox.idle();
  await w.notifier.idle();
  assert.equal(clientSends(), sendsBefore, "the client bot sent nothing");
}

Deno.test({
  name: "fast lane: a privacy deletion removes its copies in the manager's chat and the thread",
  ...sanitize,
  fn: async () => {
    const w = await startDesk();
    try {
      const maria = w.managers[0]!;
      await w.ask(maria.id, "/start");
      const alice = await w.newClient("Alice");
      const n = await clientOpensTicket(w, alice.id, "Оплата", "Платёж завис");
      await take(w, maria.id, n);
      w.emu.userSend(alice.id, w.clientBot.id, { photo: {}, caption: "Чек" });
      const photo = await fastNote(w, maria.id, n, "Чек");
      const reply = w.emu.userSend(maria.id, w.managerBot.id, { text: "Принято" }, {
        replyTo: photo.id,
      });
      const mirrorText = "↩️ Maria ответил(а) из бота менеджеров:\nПринято";
      await w.until(async () => (await w.thread(n)).some((m) => m.text === mirrorText), "thread");
      await w.until(() => w.clientView(alice.id).some((m) => m.text === `#${n}\nПринято`), "sent");
      const groupId = w.groupId;
      const threadId = (await getTicket(w.kv, n))!.threadId!;
      const mirror = (await w.thread(n)).find((m) => m.text === mirrorText)!;
      await w.deps.outbox.idle();
      await w.notifier.idle();

      const report = await deleteClient({
        ...w.deps,
        apiRoot: w.emu.apiRoot,
        control: {
          apis: () => w.deps.apis(),
          status: () => Promise.resolve([]),
          restart: () => Promise.reject(new Error("not in this test")),
          stop: () => Promise.resolve(),
        },
      }, alice.id);
      assert.deepEqual(report.tickets, [n]);
      assert.deepEqual(report.kept, []);
      // Maria's chat: the copy of the client's photo and her answer are gone
      const left = w.mgrView(maria.id).map((m) => m.id);
      assert.ok(!left.includes(photo.id), "the client's photo");
      assert.ok(!left.includes(reply.messageId), "Maria's answer");
      // the thread: the answer's comment is gone with the rest
      const thread = w.emu.threadView(groupId, threadId).map((m) => m.id);
      assert.ok(!thread.includes(mirror.id), "the answer in the thread");
      let refs = 0;
      for await (const _ of w.kv.list({ prefix: ["fast_lane"] })) refs++;
      assert.equal(refs, 0);
    } finally {
      await w.stop();
    }
  },
});
