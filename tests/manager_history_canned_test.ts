import assert from "node:assert/strict";
import { getTicket, listMessages } from "../src/storage/tickets.ts";
import {
  buttonsOf,
  clientOpensTicket,
  managerSays,
  sanitize,
  startDesk,
} from "./manager_harness.ts";

Deno.test({
  name: "manager history: the whole conversation as an HTML file, both sides, media, escaped",
  ...sanitize,
  fn: async () => {
    const w = await startDesk();
    try {
      const maria = w.managers[0]!;
      const alice = await w.newClient("Alice");
      const n = await clientOpensTicket(w, alice.id, "Оплата <script>", "<b>Платёж</b> & завис");
      w.emu.userSend(alice.id, w.clientBot.id, {
        photo: {},
        caption: "скриншот",
      });
      w.emu.userSend(alice.id, w.clientBot.id, { document: { fileName: "чек <1>.pdf" } });
      await w.until(async () => (await w.thread(n)).length >= 3, "media relayed");
      await managerSays(w, maria.id, n, { text: 'Проверяю "заказ"' });
      await managerSays(w, maria.id, n, { text: "// внутренняя заметка" });
      await w.until(async () => (await listMessages(w.kv, n)).length >= 5, "recorded");

      await w.ask(maria.id, "/start");
      const [doc] = await w.ask(maria.id, `/history ${n}`);
      assert.equal(doc!.kind, "document");
      assert.equal(doc!.fileName, `ticket_${n}.html`);
      const file = w.emu.world.files.get(doc!.fileUniqueId!)!;
      const html = file.bytes ? new TextDecoder().decode(file.bytes) : await file.blob!.text();
      assert.match(html, /^<!DOCTYPE html>/);
      assert.match(html, /Оплата &lt;script&gt;/);
      assert.ok(!html.includes("<script>"));
      assert.match(html, /&lt;b&gt;Платёж&lt;\/b&gt; &amp; завис/);
      assert.match(html, /Клиент Alice \(@alice\)/);
      assert.match(html, /Менеджер Maria/);
      assert.match(html, /Проверяю &quot;заказ&quot;/);
      assert.match(html, /Заметка Maria/);
      assert.match(html, /📎 photo/);
      assert.match(html, /скриншот/);
      assert.match(html, /📎 document чек &lt;1&gt;\.pdf/);
      assert.match(html, /2026-01-05 12:00/); // 09:00 UTC in Europe/Moscow
      // from the card's button as well
      const [card] = await w.ask(maria.id, `/ticket ${n}`);
      assert.ok(buttonsOf(card).some((b) => b.data === `m:h:${n}`));
      const before = w.mgrView(maria.id).filter((m) => m.kind === "document").length;
      await w.press(maria.id, card!.id, `m:h:${n}`);
      await w.until(
        () => w.mgrView(maria.id).filter((m) => m.kind === "document").length > before,
        "second file",
      );
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "manager canned: save, send from the bot and from the thread; recorded and relayed",
  ...sanitize,
  fn: async () => {
    const w = await startDesk();
    try {
      const maria = w.managers[0]!;
      const alice = await w.newClient("Alice");
      const n = await clientOpensTicket(w, alice.id, "Оплата", "Платёж завис");
      await w.ask(maria.id, "/start");
      const [saved] = await w.ask(
        maria.id,
        "/canned_add Hello Здравствуйте! Уже смотрим <ваш> вопрос.",
      );
      assert.match(saved!.text!, /«hello» сохранён/);
      await w.ask(maria.id, "/canned_add bye Спасибо, что обратились!");
      const [list] = await w.ask(maria.id, "/canned");
      assert.match(list!.text!, /hello — Здравствуйте! Уже смотрим <ваш> вопрос\./);

      // from the card: pick the answer; the client gets it, the thread shows it
      const [card] = await w.ask(maria.id, `/ticket ${n}`);
      await w.press(maria.id, card!.id, `m:p:${n}`);
      await w.until(
        () => w.mgrView(maria.id).some((m) => /Какой шаблон/.test(m.text ?? "")),
        "pick",
      );
      const pick = w.mgrView(maria.id).findLast((m) => /Какой шаблон/.test(m.text ?? ""))!;
      const sent = await w.press(maria.id, pick.id, `m:k:${n}:hello`);
      assert.match(sent.text!, /отправлен в обращение/);
      await w.until(
        () =>
          w.clientView(alice.id).some((m) =>
            m.text === `#${n}\nЗдравствуйте! Уже смотрим <ваш> вопрос.`
          ),
        "client got the canned answer",
      );
      await w.until(
        async () =>
          (await w.thread(n)).some((m) => /Maria отправил\(а\) шаблон «hello»/.test(m.text ?? "")),
        "thread shows it",
      );
      await w.deps.outbox.idle(); // the client may see the copy before it is recorded as sent
      const tk = (await getTicket(w.kv, n))!;
      assert.equal(tk.managerId, maria.id, "the first reply assigns the ticket");
      assert.equal(tk.waitingSince, null);
      assert.ok(tk.cycles[0]!.firstReplyAt !== undefined);
      const out = (await listMessages(w.kv, n)).filter((m) => m.direction === "out");
      assert.equal(out.length, 1);
      assert.equal(out[0]!.delivery, "sent");

      // /reply from the bot
      const [r2] = await w.ask(maria.id, `/reply ${n} bye`);
      assert.match(r2!.text!, /отправлен/);
      await w.until(
        () => w.clientView(alice.id).some((m) => m.text === `#${n}\nСпасибо, что обратились!`),
        "second canned answer",
      );

      // /canned in the thread: handled by the client bot's hook, not relayed as a comment
      await managerSays(w, maria.id, n, { text: "/canned hello" });
      await w.until(
        () => w.clientView(alice.id).filter((m) => /Уже смотрим/.test(m.text ?? "")).length === 2,
        "canned from the thread",
      );
      await managerSays(w, maria.id, n, { text: "/canned nope" });
      await w.until(
        async () => (await w.thread(n)).some((m) => /Шаблона «nope» нет/.test(m.text ?? "")),
        "unknown canned answer told in the thread",
      );
      await w.deps.outbox.idle();
      assert.ok(!w.clientView(alice.id).some((m) => /\/canned/.test(m.text ?? "")));

      // the client replies to the canned copy: the reply lands under the thread's message
      const copy = w.clientView(alice.id).find((m) =>
        m.text === `#${n}\nСпасибо, что обратились!`
      )!;
      w.emu.userSend(alice.id, w.clientBot.id, { text: "Вам спасибо" }, { replyTo: copy.id });
      await w.until(async () => (await w.thread(n)).some((m) => m.text === "Вам спасибо"), "reply");
      const th = await w.thread(n);
      const reply = th.find((m) => m.text === "Вам спасибо")!;
      const target = th.find((m) => m.id === reply.replyTo);
      assert.match(target?.text ?? "", /шаблон «bye»/);

      const [del] = await w.ask(maria.id, "/canned_del bye");
      assert.match(del!.text!, /удалён/);
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "manager canned: a version per language reaches each client in theirs",
  ...sanitize,
  fn: async () => {
    const w = await startDesk();
    try {
      const maria = w.managers[0]!;
      const alice = await w.newClient("Alice", "en");
      const boris = await w.newClient("Boris", "ru");
      const na = await clientOpensTicket(w, alice.id, "Billing", "Card declined");
      const nb = await clientOpensTicket(w, boris.id, "Оплата", "Платёж завис");
      await w.ask(maria.id, "/start");
      await w.ask(maria.id, "/canned_add wait Минуту, уже смотрим.");
      const [saved] = await w.ask(maria.id, "/canned_add wait:en One minute, we are on it.");
      assert.match(saved!.text!, /«wait:en» сохранён/);
      const [bad] = await w.ask(maria.id, "/canned_add wait:de Einen Moment.");
      assert.match(bad!.text!, /Так: \/canned_add/);
      const [list] = await w.ask(maria.id, "/canned");
      assert.match(list!.text!, /wait · wait:en — Минуту, уже смотрим\./);

      await w.ask(maria.id, `/reply ${na} wait`);
      await w.ask(maria.id, `/reply ${nb} wait`);
      await w.until(
        () => w.clientView(alice.id).some((m) => m.text === `#${na}\nOne minute, we are on it.`),
        "the English version to the English client",
      );
      await w.until(
        () => w.clientView(boris.id).some((m) => m.text === `#${nb}\nМинуту, уже смотрим.`),
        "the common text to the Russian client",
      );
      // the thread shows what the client got
      await w.until(
        async () =>
          (await w.thread(na)).some((m) => /One minute, we are on it\./.test(m.text ?? "")),
        "the thread of the English client's ticket",
      );
      assert.ok(!w.clientView(alice.id).some((m) => /Минуту/.test(m.text ?? "")));

      // removing the English version leaves the common text
      const [del] = await w.ask(maria.id, "/canned_del wait:en");
      assert.match(del!.text!, /удалён/);
      await w.ask(maria.id, `/reply ${na} wait`);
      await w.until(
        () => w.clientView(alice.id).some((m) => m.text === `#${na}\nМинуту, уже смотрим.`),
        "the common text once the English version is gone",
      );
    } finally {
      await w.stop();
    }
  },
});
