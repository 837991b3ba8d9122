import assert from "node:assert/strict";
import { getClient, upsertClient } from "../src/storage/people.ts";
import { getTicket, listMessages } from "../src/storage/tickets.ts";
import {
  buttonsOf,
  clientOpensTicket,
  managerSays,
  sanitize,
  startDesk,
} from "./manager_harness.ts";

Deno.test({
  name: "manager clients: list (paginated), find, card, a client's tickets",
  ...sanitize,
  fn: async () => {
    const w = await startDesk();
    try {
      const maria = w.managers[0]!;
      for (let i = 0; i < 23; i++) {
        w.clock.advance(1_000);
        await upsertClient(w.kv, {
          id: 500_000 + i,
          firstName: `Person${i}`,
          ...(i === 7 ? { username: "seven_<b>" } : {}),
          lang: "ru",
        }, w.clock.now());
      }
      const alice = await w.newClient("Alice");
      const n = await clientOpensTicket(w, alice.id, "Оплата", "Платёж завис");
      await w.ask(maria.id, "/start");
      const [list] = await w.ask(maria.id, "/clients");
      assert.match(list!.text!, /Клиенты \(24\)/);
      assert.ok(buttonsOf(list).some((b) => b.data === "m:c:2"), "three pages");
      await w.press(maria.id, list!.id, "m:c:2");
      await w.until(
        () => /Person0\b/.test(w.mgrView(maria.id).find((m) => m.id === list!.id)?.text ?? ""),
        "last page shows the oldest client",
      );

      const [byName] = await w.ask(maria.id, "/find alic");
      assert.match(byName!.text!, /Alice \(@alice\)/);
      // user-provided text is escaped (the message parsed as HTML without error)
      const [byUser] = await w.ask(maria.id, "/find @seven_<b>");
      assert.match(byUser!.text!, /Person7 \(@seven_<b>\)/);
      const [byId] = await w.ask(maria.id, `/find ${alice.id}`);
      assert.match(byId!.text!, /Alice/);
      const [none] = await w.ask(maria.id, "/find zzz");
      assert.match(none!.text!, /никого не нашлось/);

      const [card] = await w.ask(maria.id, `/client @alice`);
      assert.match(card!.text!, /Обращений: 1, открытых: 1/);
      await w.press(maria.id, card!.id, `m:u:tickets:${alice.id}`);
      await w.until(
        () => w.mgrView(maria.id).some((m) => new RegExp(`#${n} · Оплата`).test(m.text ?? "")),
        "client's tickets",
      );
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "manager clients: block with a reason closes open tickets; nothing relayed; unblock",
  ...sanitize,
  fn: async () => {
    const w = await startDesk();
    try {
      const maria = w.managers[0]!;
      const eve = await w.newClient("Eve");
      const bob = await w.newClient("Bob");
      const n1 = await clientOpensTicket(w, eve.id, "Спам", "Купите слона");
      const n2 = await clientOpensTicket(w, eve.id, "Спам 2", "И жирафа");
      const nb = await clientOpensTicket(w, bob.id, "Вопрос", "Здравствуйте");
      await w.ask(maria.id, "/start");
      const [done] = await w.ask(maria.id, `/block @eve реклама`);
      assert.match(done!.text!, /заблокирован\. Закрыто обращений: 2/);
      const eveRec = (await getClient(w.kv, eve.id))!;
      assert.equal(eveRec.blocked?.reason, "реклама");
      assert.equal(eveRec.blocked?.by, maria.id);
      for (const n of [n1, n2]) {
        await w.until(async () => (await getTicket(w.kv, n))?.status === "closed", `#${n} closed`);
        const postId = (await getTicket(w.kv, n))!.postId!;
        await w.until(() => /Клиент заблокирован/.test(w.postText(postId)), `post #${n} marked`);
        await w.until(
          async () => (await w.thread(n)).some((m) => /закрыто/i.test(m.text ?? "")),
          `note in thread #${n}`,
        );
      }
      // a blocked client's messages go nowhere; they cannot open tickets
      const before1 = (await listMessages(w.kv, n1)).length;
      w.emu.userSend(eve.id, w.clientBot.id, { text: "Эй!" });
      w.emu.userSend(eve.id, w.clientBot.id, { text: "/new" });
      await w.until(
        () => w.clientView(eve.id).filter((m) => /не можем принять/.test(m.text ?? "")).length >= 2,
        "refusals",
      );
      // meanwhile another client's conversation goes on: nothing else is lost
      w.emu.userSend(bob.id, w.clientBot.id, { text: "Есть кто?" });
      await w.until(
        async () => (await w.thread(nb)).some((m) => m.text === "Есть кто?"),
        "Bob's message relayed",
      );
      await managerSays(w, maria.id, nb, { text: "Да, слушаю" });
      await w.until(
        () => w.clientView(bob.id).some((m) => m.text === `#${nb}\nДа, слушаю`),
        "answer to Bob",
      );
      await w.deps.outbox.idle();
      assert.equal((await listMessages(w.kv, n1)).length, before1);
      assert.ok(!(await w.thread(n1)).some((m) => m.text === "Эй!"));
      assert.ok(!(await w.thread(n2)).some((m) => m.text === "Эй!"));
      assert.ok(!w.clientView(eve.id).some((m) => /оцените|закрыто/i.test(m.text ?? "")));

      // the card shows the block; unblock from its button
      const [card] = await w.ask(maria.id, `/client ${eve.id}`);
      assert.match(card!.text!, /Заблокирован .*Причина: реклама/);
      const r = await w.press(maria.id, card!.id, `m:u:unblock:${eve.id}`);
      assert.match(r.text!, /разблокирован/);
      assert.equal((await getClient(w.kv, eve.id))?.blocked, null);
      const [again] = await w.ask(maria.id, `/unblock ${eve.id}`);
      assert.match(again!.text!, /не заблокирован/);
    } finally {
      await w.stop();
    }
  },
});
