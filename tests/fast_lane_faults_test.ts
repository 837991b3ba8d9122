/**
 * A manager's answer given in the manager bot that cannot be put in the ticket's thread (the
 * `mirror` job given up): the manager is told in the manager bot whether the client got it, and
 * the answer's record says what happened; the admins are not alerted about a client's message.
 */
import assert from "node:assert/strict";
import type { ViewMessage } from "../src/emulator/mod.ts";
import { listMessages } from "../src/storage/tickets.ts";
import { getTicket } from "../src/storage/tickets.ts";
import { clientOpensTicket, type DeskWorld, sanitize, startDesk } from "./manager_harness.ts";

const ATTEMPTS = 3;

/** Maria takes Alice's ticket and gets its next message in the fast lane. */
async function setUp(w: DeskWorld, text: string) {
  const maria = w.managers[0]!;
  await w.ask(maria.id, "/start");
  w.emu.userStartBot(w.owner.id, w.settingsBot.id);
  await w.until(
    () => w.emu.view(w.owner.id, w.settingsBot.id).some((m) => !m.outgoing),
    "the settings bot's answer",
  );
  const alice = await w.newClient("Alice");
  const n = await clientOpensTicket(w, alice.id, "Оплата", "Платёж завис");
  await w.ask(maria.id, `/take ${n}`);
  await w.until(async () => (await getTicket(w.kv, n))?.managerId === maria.id, "taken");
  w.emu.userSend(alice.id, w.clientBot.id, { text });
  let note: ViewMessage | undefined;
  await w.until(() => {
    note = w.mgrView(maria.id).find((m) => !m.outgoing && m.text?.endsWith(`\n${text}`));
    return note !== undefined;
  }, "the fast-lane note");
  return { maria, alice, n, note: note! };
}

const adminAlerts = (w: DeskWorld) =>
  w.emu.view(w.owner.id, w.settingsBot.id).filter((m) => /не доставлено/.test(m.text ?? ""));

Deno.test({
  name:
    "fast lane: a text answer that cannot be put in the thread: the manager is told it reached the client",
  ...sanitize,
  fn: async () => {
    const w = await startDesk({ outboxLimits: { maxAttempts: ATTEMPTS } });
    try {
      const { maria, alice, n, note } = await setUp(w, "Где заказ?");
      // the text answer's mirror is written by the client bot into the group
      w.emu.failNext({
        method: "sendMessage",
        botId: w.clientBot.id,
        chatId: w.groupId,
        count: ATTEMPTS,
        kind: "500",
      });
      w.emu.userSend(maria.id, w.managerBot.id, { text: "Уже в пути" }, { replyTo: note.id });
      await w.until(
        () => w.clientView(alice.id).some((m) => m.text === `#${n}\nУже в пути`),
        "the answer at the client",
      );
      await w.until(
        () =>
          w.mgrView(maria.id).some((m) =>
            m.text ===
              `⚠️ Ваш ответ по обращению #${n} дошёл до клиента, но его не удалось поместить в тред обращения (Internal Server Error).`
          ),
        "Maria told",
      );
      await w.deps.outbox.idle();
      const out = (await listMessages(w.kv, n)).filter((m) => m.direction === "out");
      assert.equal(out.length, 1);
      assert.equal(out[0]!.delivery, "sent", "it reached the client");
      assert.ok(!(await w.thread(n)).some((m) => m.text?.includes("Уже в пути")));
      await w.app.idle();
      assert.deepEqual(adminAlerts(w), []);
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name:
    "fast lane: a photo answer that cannot be put in the thread: the manager is told it did not reach the client",
  ...sanitize,
  fn: async () => {
    const w = await startDesk({ outboxLimits: { maxAttempts: ATTEMPTS } });
    try {
      const { maria, alice, n, note } = await setUp(w, "Пришлите накладную");
      // a media answer is copied into the thread by the manager bot, then from there to the client
      w.emu.failNext({
        method: "copyMessage",
        botId: w.managerBot.id,
        chatId: w.groupId,
        count: ATTEMPTS,
        kind: "500",
      });
      const before = w.clientView(alice.id).length;
      w.emu.userSend(maria.id, w.managerBot.id, { photo: {}, caption: "Накладная" }, {
        replyTo: note.id,
      });
      await w.until(
        () =>
          w.mgrView(maria.id).some((m) =>
            m.text ===
              `⚠️ Ваш ответ по обращению #${n} не дошёл до клиента: его не удалось поместить в тред обращения (Internal Server Error). Ответьте, пожалуйста, ещё раз.`
          ),
        "Maria told",
      );
      await w.deps.outbox.idle();
      const out = (await listMessages(w.kv, n)).filter((m) => m.direction === "out");
      assert.equal(out.length, 1);
      assert.equal(out[0]!.delivery, "failed");
      assert.equal(out[0]!.failure, "Internal Server Error");
      assert.equal(w.clientView(alice.id).length, before, "nothing reached the client");
      await w.app.idle();
      assert.deepEqual(adminAlerts(w), []);
    } finally {
      await w.stop();
    }
  },
});
