/** Relay of live locations, replaced media and edits of deleted copies, through the emulator. */
import assert from "node:assert/strict";
import { clientOpensTicket, managerSays, startWorld, type TestWorld } from "./harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };
type Loc = { latitude: number; longitude: number };

/** The position the thread of ticket n shows for its location copy. */
async function threadLocation(w: TestWorld, n: number): Promise<Loc | undefined> {
  const loc = (await w.thread(n)).find((m) => m.kind === "location");
  return loc?.extra?.location as Loc | undefined;
}

Deno.test({
  name: "live location: the thread follows the latest position, moves throttled, others go on",
  ...sanitize,
  fn: async () => {
    const w = await startWorld(); // a Telegram minute is 600 ms
    try {
      const bot = w.clientBot.id;
      const alice = await w.newClient("Alice");
      const bob = await w.newClient("Bob");
      const n = await clientOpensTicket(w, alice.id, "Доставка", "Где курьер?");
      const other = await clientOpensTicket(w, bob.id, "Оплата", "Не прошёл платёж");
      const live = w.emu.userSendLiveLocation(alice.id, bot, {
        latitude: 55.7,
        longitude: 37.6,
        livePeriod: 3600,
      });
      await w.until(async () => (await threadLocation(w, n))?.latitude === 55.7, "live copy");
      const copyId = (await w.thread(n)).find((m) => m.kind === "location")!.id;

      // five Telegram minutes of moves every 3 Telegram seconds; Bob writes meanwhile
      let lat = 55.7;
      const bobSent: string[] = [];
      for (let i = 1; i <= 100; i++) {
        lat = Math.round((55.7 + i * 0.001) * 1e6) / 1e6;
        w.emu.userMoveLiveLocation(alice.id, bot, live.messageId, {
          latitude: lat,
          longitude: 37.6,
        });
        if (i % 20 === 0) {
          const text = `Бob ${i}`;
          bobSent.push(text);
          w.emu.userSend(bob.id, bot, { text });
        }
        await new Promise((r) => setTimeout(r, 30));
      }
      await w.until(async () => {
        const texts = (await w.thread(other)).map((m) => m.text);
        return bobSent.every((t) => texts.includes(t));
      }, "the other ticket's messages");
      // the thread moved with the client, though not at every step
      const mid = await threadLocation(w, n);
      assert.ok(mid && mid.latitude > 55.78, `thread shows ${JSON.stringify(mid)}`);
      const moves = () =>
        w.emu.calls(w.clientBot.id).filter((c) =>
          c.method === "editMessageLiveLocation" && c.params.chat_id === w.groupId
        );
      // one per Telegram minute (plus the edge of the window): far below the 100 moves
      assert.ok(moves().length >= 3 && moves().length <= 7, `${moves().length} relayed moves`);

      // the stop relays the final position and ends the thread's live location
      w.emu.userStopLiveLocation(alice.id, bot, live.messageId);
      await w.until(
        () =>
          w.emu.calls(w.clientBot.id).some((c) =>
            c.method === "stopMessageLiveLocation" && c.ok && c.params.message_id === copyId
          ),
        "stopped in the thread",
      );
      assert.equal((await threadLocation(w, n))?.latitude, lat);
      // one location in the thread, no notice of a failed edit
      const thread = await w.thread(n);
      assert.equal(thread.filter((m) => m.kind === "location").length, 1);
      assert.ok(!thread.some((m) => /Исправление не дошло/.test(m.text ?? "")));
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "replaced media: the copy in the thread and at the client shows the new media",
  ...sanitize,
  fn: async () => {
    const w = await startWorld();
    try {
      const bot = w.clientBot.id;
      const alice = await w.newClient("Alice");
      const n = await clientOpensTicket(w, alice.id, "Оплата", "Вот чек");
      const photo = w.emu.userSend(alice.id, bot, { photo: {}, caption: "чек" });
      await w.until(async () => (await w.thread(n)).some((m) => m.kind === "photo"), "photo copy");
      w.emu.userReplaceMedia(alice.id, bot, photo.messageId, {
        document: { fileName: "check.pdf" },
        caption: "правильный чек",
      });
      await w.until(
        async () =>
          (await w.thread(n)).some((m) =>
            m.kind === "document" && m.fileName === "check.pdf" && m.caption === "правильный чек"
          ),
        "the thread's copy replaced",
      );

      const maria = w.managers[0]!;
      const answer = await managerSays(w, maria.id, n, { photo: {}, caption: "схема" });
      await w.until(
        () => w.clientView(alice.id).some((m) => m.kind === "photo" && !m.outgoing),
        "answer",
      );
      w.emu.userReplaceMedia(maria.id, w.groupId, answer, { video: {}, caption: "видео" });
      await w.until(
        () =>
          w.clientView(alice.id).some((m) =>
            m.kind === "video" && !m.outgoing && m.caption?.endsWith("видео") === true
          ),
        "the client's copy replaced",
      );
      assert.ok(!w.clientView(alice.id).some((m) => m.kind === "photo" && !m.outgoing));
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "an edit after the client cleared the chat: the thread is told",
  ...sanitize,
  fn: async () => {
    const w = await startWorld();
    try {
      const alice = await w.newClient("Alice");
      const n = await clientOpensTicket(w, alice.id, "Оплата", "Вопрос");
      const maria = w.managers[0]!;
      const answer = await managerSays(w, maria.id, n, { text: "Ответ" });
      await w.until(() => w.clientView(alice.id).some((m) => m.text === "#1\nОтвет"), "answer");
      w.emu.userClearChat(alice.id, w.clientBot.id);
      w.emu.userEdit(maria.id, w.groupId, answer, "Ответ исправлен");
      await w.until(
        async () => (await w.thread(n)).some((m) => /Исправление не дошло/.test(m.text ?? "")),
        "the notice",
      );
    } finally {
      await w.stop();
    }
  },
});
