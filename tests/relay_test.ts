import assert from "node:assert/strict";
import { getTicket, listMessages } from "../src/storage/tickets.ts";
import { clientOpensTicket, managerSays, startWorld } from "./harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name: "relay: two tickets, every kind of message both ways, albums intact, right ticket numbers",
  ...sanitize,
  fn: async () => {
    const w = await startWorld();
    try {
      const alice = await w.newClient("Alice");
      const bot = w.clientBot.id;
      const t1 = await clientOpensTicket(w, alice.id, "Оплата", "Не прошёл платёж");
      const t2 = await clientOpensTicket(w, alice.id, "Доставка", "Где заказ?");
      assert.deepEqual([t1, t2], [1, 2]);

      // ticket 2 is current: media goes there
      w.emu.userSend(alice.id, bot, { photo: { sizeBytes: 50_000 }, caption: "чек" });
      w.emu.userSend(alice.id, bot, {
        document: { fileName: "invoice.pdf", sizeBytes: 30_000_000 },
      });
      w.emu.userSend(alice.id, bot, { voice: { duration: 4 } });
      w.emu.userSendAlbum(alice.id, bot, [
        { photo: {}, caption: "коробка" },
        { photo: {} },
        { photo: {} },
      ]);
      await w.until(async () => (await w.thread(t2)).length >= 8, "media in thread 2");
      const th2 = await w.thread(t2);
      // the question, then the comment listing Alice's earlier ticket, then what she sent
      assert.match(th2[1]?.text ?? "", /^Прежние обращения этого клиента:\n#1 · Оплата/);
      assert.deepEqual(th2.map((m) => m.kind), [
        "text",
        "text",
        "photo",
        "document",
        "voice",
        "photo",
        "photo",
        "photo",
      ]);
      assert.equal(th2[2]?.caption, "чек");
      assert.equal(th2[3]?.fileName, "invoice.pdf");
      const album = th2.slice(5);
      assert.ok(
        album[0]?.mediaGroupId && album.every((m) => m.mediaGroupId === album[0]!.mediaGroupId),
      );
      assert.equal(album[0]?.caption, "коробка");
      for (const m of th2) {
        assert.equal(m.sender.id, w.clientBot.id, "comments come from the client bot");
      }

      // switch to ticket 1 with the "my tickets" buttons, then write there
      w.emu.userSend(alice.id, bot, { text: "/tickets" });
      await w.until(
        () =>
          w.clientView(alice.id).some((m) =>
            JSON.stringify(m.replyMarkup ?? "").includes("c:current:1")
          ),
        "the ticket list",
      );
      const list = w.clientView(alice.id).findLast((m) =>
        JSON.stringify(m.replyMarkup ?? "").includes("c:current:1")
      )!;
      w.emu.userPressButton(alice.id, bot, list.id, "c:current:1");
      await w.until(
        () =>
          w.clientView(alice.id).some((m) =>
            /#1/.test(m.text ?? "") && /Текущее/.test(m.text ?? "")
          ),
        "switched",
      );
      w.emu.userSend(alice.id, bot, { text: "Вот номер карты: нет" });
      await w.until(async () => (await w.thread(t1)).length >= 2, "message in thread 1");

      // managers answer in both threads, with media and an album
      const [maria, ivan] = w.managers;
      await managerSays(w, maria!.id, t1, { text: "Проверим платёж" });
      await managerSays(w, ivan!.id, t2, { photo: {}, caption: "Ваша посылка" });
      await managerSays(w, ivan!.id, t2, { sticker: { emoji: "👍" } });
      const t2root = (await getTicket(w.kv, t2))!.threadId!;
      w.emu.userSendAlbum(ivan!.id, w.groupId, [{ photo: {}, caption: "фото склада" }, {
        photo: {},
      }], {
        replyTo: t2root,
      });
      await w.until(
        () => w.clientView(alice.id).filter((m) => !m.outgoing && m.kind === "photo").length >= 3,
        "answers at the client",
      );
      await w.until(
        () => w.clientView(alice.id).some((m) => m.kind === "sticker"),
        "sticker at the client",
      );
      const view = w.clientView(alice.id).filter((m) => !m.outgoing);
      const payment = view.find((m) => m.text?.includes("Проверим платёж"))!;
      assert.match(payment.text!, /^#1\n/);
      const parcel = view.find((m) => m.caption?.includes("Ваша посылка"))!;
      assert.match(parcel.caption!, /^#2\n/);
      const sticker = view.find((m) => m.kind === "sticker")!;
      const header2 = (await getTicket(w.kv, t2))!.clientHeaderId;
      assert.equal(
        sticker.replyTo,
        header2,
        "a sticker has no caption: it answers ticket 2's header",
      );
      assert.match(view.find((m) => m.id === header2)?.text ?? "", /#2/);
      const clientAlbum = view.filter((m) => m.kind === "photo" && m.mediaGroupId);
      assert.equal(clientAlbum.length, 2);
      assert.equal(clientAlbum[0]?.mediaGroupId, clientAlbum[1]?.mediaGroupId);
      assert.match(clientAlbum[0]?.caption ?? "", /^#2\nфото склада/);
      for (const m of view) {
        assert.equal(m.sender.id, w.clientBot.id);
        assert.ok(!JSON.stringify(m).includes("Ivan") && !JSON.stringify(m).includes("Maria"));
      }

      // history in KV matches what the humans saw (once the worker has written it down)
      await w.deps.outbox.idle();
      const h2 = await listMessages(w.kv, t2);
      assert.deepEqual(h2.map((m) => `${m.direction}:${m.kind}`), [
        "in:text",
        "in:photo",
        "in:document",
        "in:voice",
        "in:photo",
        "in:photo",
        "in:photo",
        "out:photo",
        "out:sticker",
        "out:photo",
        "out:photo",
      ]);
      assert.ok(h2.every((m) => m.delivery === "sent" && m.copy));
      const h1 = await listMessages(w.kv, t1);
      assert.deepEqual(h1.map((m) => m.text), [
        "Не прошёл платёж",
        "Вот номер карты: нет",
        "Проверим платёж",
      ]);
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name:
    "relay: edits both ways, internal notes stay, /delete removes the client's copy, strangers are told",
  ...sanitize,
  fn: async () => {
    const w = await startWorld();
    try {
      const bob = await w.newClient("Bob", "en");
      const bot = w.clientBot.id;
      const n = await clientOpensTicket(w, bob.id, "Refund", "I want my money back");
      const maria = w.managers[0]!;

      // client edits their question: the comment follows
      const mine = w.clientView(bob.id).find((m) =>
        m.outgoing && m.text === "I want my money back"
      )!;
      w.emu.userEdit(bob.id, bot, mine.id, "I want my money back, please");
      await w.until(
        async () => (await w.thread(n))[0]?.text === "I want my money back, please",
        "edited comment",
      );
      assert.ok((await w.thread(n))[0]?.edited);

      // a manager answers and edits the answer: the client's copy follows, number kept
      const answerId = await managerSays(w, maria.id, n, { text: "Sure, in 3 days" });
      await w.until(
        () => w.clientView(bob.id).some((m) => m.text === "#1\nSure, in 3 days"),
        "answer",
      );
      w.emu.userEdit(maria.id, w.groupId, answerId, "Sure, in 2 days");
      await w.until(
        () => w.clientView(bob.id).some((m) => m.text === "#1\nSure, in 2 days" && m.edited),
        "edited answer",
      );

      // internal note: stored, never sent
      await managerSays(w, maria.id, n, { text: "// he asked twice already" });
      // /delete as a reply to her own comment removes the client's copy
      const oops = await managerSays(w, maria.id, n, { text: "wrong client, sorry" });
      await w.until(
        () => w.clientView(bob.id).some((m) => m.text?.includes("wrong client")),
        "oops delivered",
      );
      await managerSays(w, maria.id, n, { text: "/delete" }, oops);
      await w.until(
        () => !w.clientView(bob.id).some((m) => m.text?.includes("wrong client")),
        "oops deleted",
      );

      // a stranger in the group: not relayed, told why
      const stranger = w.emu.createUser({ firstName: "Stan" });
      w.emu.setMember(w.groupId, stranger.id, { status: "member" });
      await managerSays(w, stranger.id, n, { text: "hi from a stranger" });
      await w.until(
        async () => (await w.thread(n)).some((m) => /не менеджер|not a manager/.test(m.text ?? "")),
        "stranger told",
      );

      await managerSays(w, maria.id, n, { text: "final answer" });
      await w.until(() => w.clientView(bob.id).some((m) => m.text === "#1\nfinal answer"), "final");
      const seen = w.clientView(bob.id).filter((m) => !m.outgoing).map((m) => m.text ?? "");
      assert.ok(!seen.some((s) => s.includes("he asked twice")), "the note reached the client");
      assert.ok(
        !seen.some((s) => s.includes("stranger")),
        "the stranger's comment reached the client",
      );
      await w.deps.outbox.idle();
      const history = await listMessages(w.kv, n);
      assert.deepEqual(history.map((m) => [m.direction, m.text, m.deletedAt ? "deleted" : ""]), [
        ["in", "I want my money back, please", ""],
        ["out", "Sure, in 2 days", ""],
        ["note", "// he asked twice already", ""],
        ["out", "wrong client, sorry", "deleted"],
        ["out", "final answer", ""],
      ]);
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "relay: the client bot leaves a group that is not the managers'",
  ...sanitize,
  fn: async () => {
    const w = await startWorld();
    try {
      const stranger = w.emu.createUser({ firstName: "Stan" });
      const other = w.emu.createGroup({ title: "Random", ownerId: stranger.id }).id;
      w.emu.setMember(other, w.clientBot.id, { status: "member", byId: stranger.id });
      await w.until(
        () =>
          w.emu.calls(w.clientBot.id).some((c) =>
            c.method === "leaveChat" && c.params.chat_id === other
          ),
        "leaveChat",
      );
      assert.ok(w.emu.calls(w.clientBot.id).find((c) => c.method === "leaveChat")?.ok);
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name:
    "relay: a client's Telegram reply goes to the ticket of the message replied to, not the current one",
  ...sanitize,
  fn: async () => {
    const w = await startWorld();
    try {
      const alice = await w.newClient("Alice");
      const t1 = await clientOpensTicket(w, alice.id, "Первая", "Вопрос один");
      const t2 = await clientOpensTicket(w, alice.id, "Вторая", "Вопрос два");
      await managerSays(w, w.managers[0]!.id, t1, { text: "Ответ по первому" });
      await w.until(
        () => w.clientView(alice.id).some((m) => m.text === "#1\nОтвет по первому"),
        "answer",
      );
      const answer = w.clientView(alice.id).find((m) => m.text === "#1\nОтвет по первому")!;
      w.emu.userSend(alice.id, w.clientBot.id, { text: "Уточнение к первому" }, {
        replyTo: answer.id,
      });
      w.emu.userSend(alice.id, w.clientBot.id, { text: "А это ко второму" });
      await w.until(async () => (await w.thread(t2)).length >= 2, "message in ticket 2");
      await w.until(
        async () => (await w.thread(t1)).some((m) => m.text === "Уточнение к первому"),
        "reply in ticket 1",
      );
      const th1 = await w.thread(t1);
      const reply = th1.find((m) => m.text === "Уточнение к первому")!;
      const copyOfAnswer = th1.find((m) => m.text === "Ответ по первому")!;
      assert.equal(
        reply.replyTo,
        copyOfAnswer.id,
        "the reply is mapped onto the manager's comment",
      );
      assert.ok(!(await w.thread(t2)).some((m) => m.text === "Уточнение к первому"));
    } finally {
      await w.stop();
    }
  },
});

Deno.test("a customer whose Telegram speaks neither Russian nor English is answered in English", async () => {
  const w = await startWorld();
  try {
    const hans = await w.newClient("Hans", "de");
    assert.ok(
      w.clientView(hans.id).some((m) =>
        !m.outgoing && /This is customer support/.test(m.text ?? "")
      ),
      "the greeting in English",
    );
    const ru = await w.newClient("Olga", "ru");
    assert.ok(w.clientView(ru.id).some((m) => !m.outgoing && /[а-я]{4}/.test(m.text ?? "")));
  } finally {
    await w.stop();
  }
  // a business that serves Russian speakers abroad sets DEFAULT_LANGUAGE=ru
  const w2 = await startWorld({ defaultLang: "ru" });
  try {
    const hans = await w2.newClient("Hans", "de");
    assert.ok(
      w2.clientView(hans.id).some((m) => !m.outgoing && /[а-я]{4}/.test(m.text ?? "")),
      "the configured default",
    );
    const en = await w2.newClient("Emma", "en");
    assert.ok(w2.clientView(en.id).some((m) => /This is customer support/.test(m.text ?? "")));
  } finally {
    await w2.stop();
  }
});

Deno.test("a name with a right-to-left override cannot turn the ticket's post around", async () => {
  const w = await startWorld();
  try {
    const u = w.emu.createUser({
      firstName: "Bob\u202Eevil\u202C\u200B",
      lastName: "x".repeat(300),
      languageCode: "ru",
    });
    w.emu.userStartBot(u.id, w.clientBot.id);
    await w.until(() => w.clientView(u.id).length >= 2, "greeting");
    const n = await clientOpensTicket(w, u.id, "Доставка", "Вопрос");
    const post = (await getTicket(w.kv, n))!.postId!;
    let text = "";
    await w.until(() => {
      text = w.emu.view(w.owner.id, w.channelId).find((m) => m.id === post)?.text ?? "";
      return text.length > 0;
    }, "the post");
    assert.ok(!/[\u202A-\u202E\u200B]/.test(text), "no override or zero-width character");
    assert.match(text, /\u2068Bobevil x+…\u2069/, "the name isolated and cut");
    assert.match(text, /\u2068Доставка\u2069/, "the topic isolated");
    assert.ok(!text.includes("x".repeat(80)), "an overlong name is cut");
  } finally {
    await w.stop();
  }
});

Deno.test("a new ticket's header tells the customer that an answer will come here", async () => {
  const w = await startWorld();
  try {
    const alice = await w.newClient("Alice");
    await clientOpensTicket(w, alice.id, "Доставка", "Где посылка?");
    await w.until(
      () => w.clientView(alice.id).some((m) => /^Обращение #\d+ · Доставка\n/.test(m.text ?? "")),
      "the header",
    );
    const header = w.clientView(alice.id).find((m) => /^Обращение #\d+ ·/.test(m.text ?? ""))!;
    assert.match(header.text!, /ответим здесь как можно скорее/);
  } finally {
    await w.stop();
  }
});
