/**
 * A private note on a customer: set from a thread or the manager bot, stored per customer in
 * KV; every manager sees it in the client card comment of the customer's next tickets and in
 * `/ticket` (a change at once); the customer never sees it; cleared with `-`; exported and
 * deleted with the customer's data.
 */
import assert from "node:assert/strict";
import { K } from "../src/storage/keys.ts";
import { collectClientData, deleteClientData } from "../src/storage/setup.ts";
import { getClientNote } from "../src/storage/client_notes.ts";
import { clientOpensTicket, managerSays, sanitize, startDesk } from "./manager_harness.ts";

Deno.test({
  name:
    "client note: thread and manager bot, the card comment of later tickets, /ticket, never the client",
  ...sanitize,
  fn: async () => {
    const w = await startDesk();
    try {
      const [maria, ivan] = [w.managers[0]!, w.managers[1]!];
      await w.ask(maria.id, "/start");
      await w.ask(ivan.id, "/start");
      const alice = await w.newClient("Alice");
      const bob = await w.newClient("Bob");
      const n1 = await clientOpensTicket(w, alice.id, "Оплата", "Платёж завис");

      // Maria writes the note in #n1's thread
      await managerSays(w, maria.id, n1, { text: "/clientnote Оптовый покупатель, VIP" });
      await w.until(async () => (await getClientNote(w.kv, alice.id)) !== null, "note stored");
      const stored = (await getClientNote(w.kv, alice.id))!;
      assert.equal(stored.text, "Оптовый покупатель, VIP");
      assert.equal(stored.by, maria.id);
      await w.until(
        async () =>
          (await w.thread(n1)).some((m) =>
            /обновил\(а\) заметку о клиенте: Оптовый покупатель, VIP/.test(m.text ?? "")
          ),
        "the thread is told",
      );
      // Ivan (another manager) sees it on the ticket's card
      const [card1] = await w.ask(ivan.id, `/ticket ${n1}`);
      assert.match(card1!.text!, /📝 Заметка о клиенте: Оптовый покупатель, VIP/);

      // Alice's next ticket: the client card comment after the question carries the note
      const n2 = await clientOpensTicket(w, alice.id, "Доставка", "Где посылка?");
      await w.until(
        async () => (await w.thread(n2)).some((m) => /Заметка о клиенте/.test(m.text ?? "")),
        "card comment of #n2",
      );
      const comment2 = (await w.thread(n2)).find((m) => /Заметка о клиенте/.test(m.text ?? ""))!;
      assert.match(comment2.text!, /^📝 Заметка о клиенте: Оптовый покупатель, VIP\n\nПрежние/);
      assert.match(comment2.text!, new RegExp(`#${n1} · Оплата`));
      // it follows the question
      const th2 = await w.thread(n2);
      const question = th2.findIndex((m) => m.text === "Где посылка?");
      assert.ok(question >= 0, "the question is in the thread");
      assert.ok(question < th2.findIndex((m) => m.id === comment2.id));

      // Ivan changes it from the manager bot: /ticket of the older ticket shows it at once
      const [set] = await w.ask(ivan.id, `/clientnote ${n2} Просит счёт на юрлицо`);
      assert.match(set!.text!, new RegExp(`клиенте обращения #${n2} сохранена`));
      const [card1b] = await w.ask(maria.id, `/ticket ${n1}`);
      assert.match(card1b!.text!, /Заметка о клиенте: Просит счёт на юрлицо/);
      assert.doesNotMatch(card1b!.text!, /Оптовый/);
      const [client] = await w.ask(maria.id, `/client ${alice.id}`);
      assert.match(client!.text!, /Заметка о клиенте: Просит счёт на юрлицо/);
      // the next ticket gets the new note
      const n3 = await clientOpensTicket(w, alice.id, "Оплата", "Ещё вопрос");
      await w.until(
        async () => (await w.thread(n3)).some((m) => /Заметка о клиенте/.test(m.text ?? "")),
        "card comment of #n3",
      );
      const comment3 = (await w.thread(n3)).find((m) => /Заметка о клиенте/.test(m.text ?? ""))!;
      assert.match(comment3.text!, /Просит счёт на юрлицо/);
      // the older ticket's thread keeps the comment as it was then
      assert.match(comment2.text!, /Оптовый покупатель/);

      // the customer never sees the note
      assert.ok(w.clientView(alice.id).length > 0);
      assert.ok(
        !w.clientView(alice.id).some((m) => /Оптов|юрлицо|Заметка/.test(m.text ?? "")),
        "nothing of the note reaches the customer",
      );

      // bad input: too long; showing; clearing; Bob has no note and no card comment
      const [long] = await w.ask(maria.id, `/clientnote ${n3} ${"я".repeat(501)}`);
      assert.match(long!.text!, /до 500 символов/);
      assert.equal((await getClientNote(w.kv, alice.id))?.text, "Просит счёт на юрлицо");
      const [usage] = await w.ask(maria.id, "/clientnote");
      assert.match(usage!.text!, /\/clientnote 12 текст/);
      const [shown] = await w.ask(maria.id, `/clientnote ${n3}`);
      assert.match(shown!.text!, /Просит счёт на юрлицо/);

      // exported and deleted with the customer's data
      assert.equal((await collectClientData(w.kv, alice.id)).note?.text, "Просит счёт на юрлицо");

      await managerSays(w, maria.id, n3, { text: "/clientnote -" });
      await w.until(async () => (await getClientNote(w.kv, alice.id)) === null, "cleared");
      await w.until(
        async () => (await w.thread(n3)).some((m) => /удалил\(а\) заметку/.test(m.text ?? "")),
        "the thread is told of the removal",
      );
      const [none] = await w.ask(maria.id, `/clientnote ${n3}`);
      assert.match(none!.text!, /Заметки об этом клиенте нет/);
      const [card3] = await w.ask(maria.id, `/ticket ${n3}`);
      assert.doesNotMatch(card3!.text!, /Заметка о клиенте/);

      const n4 = await clientOpensTicket(w, bob.id, "Оплата", "Здравствуйте");
      await w.notifier.idle();
      assert.ok(!(await w.thread(n4)).some((m) => /Заметка|Прежние/.test(m.text ?? "")));

      await w.ask(maria.id, `/clientnote ${n4} Звонить нельзя`);
      assert.ok((await w.kv.get(K.clientNote(bob.id))).versionstamp !== null);
      await deleteClientData(w.kv, bob.id);
      assert.equal((await w.kv.get(K.clientNote(bob.id))).versionstamp, null);
    } finally {
      await w.stop();
    }
  },
});
