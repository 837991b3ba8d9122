import assert from "node:assert/strict";
import { getTicket, listEvents } from "../src/storage/tickets.ts";
import { putManager } from "../src/storage/people.ts";
import {
  buttonsOf,
  clientOpensTicket,
  managerSays,
  sanitize,
  startDesk,
} from "./manager_harness.ts";

Deno.test({
  name: "manager desk: strangers are refused; forged buttons and others' tickets are refused",
  ...sanitize,
  fn: async () => {
    const w = await startDesk();
    try {
      const [maria, ivan] = [w.managers[0]!, w.managers[1]!];
      const alice = await w.newClient("Alice");
      const n = await clientOpensTicket(w, alice.id, "Оплата", "Платёж завис");

      // a stranger: refused on /start, on commands and on any desk button
      const stan = w.emu.createUser({ firstName: "Stan", languageCode: "en" });
      const [hello] = await w.ask(stan.id, "/start");
      assert.match(hello!.text!, /for the helpdesk's managers only/);
      const [refused] = await w.ask(stan.id, "/all");
      assert.equal(refused!.text, hello!.text);
      const a0 = await w.press(stan.id, hello!.id, `m:t:${n}`, true);
      assert.equal(a0.show_alert, true);
      assert.equal(a0.text, hello!.text);

      // Maria takes the ticket from her card
      await w.ask(maria.id, "/start");
      const [card] = await w.ask(maria.id, `/ticket ${n}`);
      assert.match(card!.text!, new RegExp(`Обращение #${n}`));
      assert.ok(buttonsOf(card).some((b) => b.data === `m:a:take:${n}`));
      const took = await w.press(maria.id, card!.id, `m:a:take:${n}`);
      assert.match(took.text!, new RegExp(`Вы взяли обращение #${n}`));
      assert.equal((await getTicket(w.kv, n))?.managerId, maria.id);

      // Ivan forges Maria's close button: refused, nothing changes
      const [ivanHello] = await w.ask(ivan.id, "/start");
      const forged = await w.press(ivan.id, ivanHello!.id, `m:a:close:${n}`, true);
      assert.equal(forged.show_alert, true);
      assert.match(forged.text!, /ведёт другой менеджер/);
      const forgedTr = await w.press(ivan.id, ivanHello!.id, `m:x:${n}:${ivan.id}`, true);
      assert.match(forgedTr.text!, /ведёт другой менеджер/);
      assert.equal((await getTicket(w.kv, n))?.status, "in_progress");
      assert.equal((await getTicket(w.kv, n))?.managerId, maria.id);
      // garbage and unknown tickets: a clear refusal
      for (const data of ["m:a:close:abc", "m:zz", `m:a:explode:${n}`, "m:t:0", "x"]) {
        const r = await w.press(ivan.id, ivanHello!.id, data, true);
        assert.equal(r.show_alert, true, data);
        assert.match(r.text!, /устарела или повреждена/, data);
      }
      const missing = await w.press(ivan.id, ivanHello!.id, "m:a:close:99999", true);
      assert.match(missing.text!, /не найдено/);
      // a thread command by Ivan on Maria's ticket changes nothing either
      await managerSays(w, ivan.id, n, { text: `/transfer ${ivan.id}` });
      await w.until(
        async () => (await w.thread(n)).some((m) => /ведёт другой менеджер/.test(m.text ?? "")),
        "refusal in the thread",
      );
      assert.equal((await getTicket(w.kv, n))?.managerId, maria.id);
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "manager desk: take, transfer, close, reopen from the manager's chat",
  ...sanitize,
  fn: async () => {
    const w = await startDesk();
    try {
      const [maria, ivan] = [w.managers[0]!, w.managers[1]!];
      await w.ask(maria.id, "/start");
      await w.ask(ivan.id, "/start");
      const bob = await w.newClient("Bob", "en");
      const n = await clientOpensTicket(w, bob.id, "Delivery", "Where is my parcel?");
      const postId = (await getTicket(w.kv, n))!.postId!;

      const [took] = await w.ask(maria.id, `/take ${n}`, 2);
      assert.match(took!.text!, /Вы взяли/);
      await w.until(() => /Ответственный: Maria/.test(w.postText(postId)), "post shows Maria");

      // transfer from the card: choose Ivan; Ivan is notified, the post and thread follow
      const [card] = await w.ask(maria.id, `/ticket ${n}`);
      const menuAnswer = await w.press(maria.id, card!.id, `m:a:tr:${n}`);
      assert.equal(menuAnswer.show_alert, false);
      const menu = w.mgrView(maria.id).find((m) => m.id === card!.id)!;
      assert.match(menu.text!, /Кому передать/);
      assert.ok(buttonsOf(menu).some((b) => b.data === `m:x:${n}:${ivan.id}`));
      const moved = await w.press(maria.id, card!.id, `m:x:${n}:${ivan.id}`);
      assert.match(moved.text!, /передано: Ivan/);
      await w.until(
        () => w.mgrView(ivan.id).some((m) => /передал\(а\) вам обращение/.test(m.text ?? "")),
        "Ivan notified",
      );
      await w.until(() => /Ответственный: Ivan/.test(w.postText(postId)), "post shows Ivan");
      await w.until(
        async () => (await w.thread(n)).some((m) => /передано: Ivan/.test(m.text ?? "")),
        "thread notice",
      );

      // Ivan closes it from his chat: the client is told in English, the post says closed
      const [closed] = await w.ask(ivan.id, `/close ${n}`, 2);
      assert.match(closed!.text!, /закрыто/);
      await w.until(
        () =>
          w.clientView(bob.id).some((m) =>
            /closed by our specialist|closed by/i.test(m.text ?? "")
          ),
        "client told (en)",
      );
      await w.until(() => /закрыто/.test(w.postText(postId)), "post closed");
      // and reopens it with the card's button
      const [card2] = await w.ask(ivan.id, `/ticket ${n}`);
      assert.ok(buttonsOf(card2).some((b) => b.data === `m:a:reopen:${n}`));
      const re = await w.press(ivan.id, card2!.id, `m:a:reopen:${n}`);
      assert.match(re.text!, /снова открыто/);
      await w.until(
        () => w.clientView(bob.id).some((m) => /reopened/i.test(m.text ?? "")),
        "client told of the reopening",
      );
      await w.until(() => /в работе/.test(w.postText(postId)), "post in progress");
      const events = (await listEvents(w.kv, n)).map((e) => e.type);
      assert.deepEqual(events.filter((e) => e !== "replied"), [
        "created",
        "taken",
        "transferred",
        "closed",
        "reopened",
      ]);
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "manager desk: /transfer, /take, /close, /reopen typed in the ticket's thread",
  ...sanitize,
  fn: async () => {
    const w = await startDesk();
    try {
      const [maria, ivan] = [w.managers[0]!, w.managers[1]!];
      // Telegram shows his username too: the bots keep the record in line with what they see
      w.emu.world.users.get(ivan.id)!.username = "ivan_support";
      await putManager(w.kv, {
        id: ivan.id,
        name: "Ivan",
        username: "ivan_support",
        lang: "en",
        addedAt: 0,
        addedBy: w.owner.id,
        active: true,
        mute: [],
      });
      await w.ask(ivan.id, "/start");
      const alice = await w.newClient("Alice");
      const n = await clientOpensTicket(w, alice.id, "Доступ", "Не могу войти");
      const postId = (await getTicket(w.kv, n))!.postId!;

      await managerSays(w, maria.id, n, { text: "/take" });
      await w.until(async () => (await getTicket(w.kv, n))?.managerId === maria.id, "taken");
      await managerSays(w, maria.id, n, { text: "/transfer @ivan_support" });
      await w.until(async () => (await getTicket(w.kv, n))?.managerId === ivan.id, "transferred");
      await w.until(() => /Ответственный: Ivan/.test(w.postText(postId)), "post shows Ivan");
      // Ivan's notification is in his language (English)
      await w.until(
        () => w.mgrView(ivan.id).some((m) => /handed you ticket/.test(m.text ?? "")),
        "Ivan notified in English",
      );
      // an unknown target is refused in the thread
      await managerSays(w, ivan.id, n, { text: "/transfer @nobody_here" });
      await w.until(
        async () =>
          (await w.thread(n)).some((m) => /Такого активного менеджера нет/.test(m.text ?? "")),
        "unknown manager",
      );
      await managerSays(w, ivan.id, n, { text: "/close" });
      await w.until(
        () => w.clientView(alice.id).some((m) => /закрыто специалистом/.test(m.text ?? "")),
        "client told",
      );
      await managerSays(w, ivan.id, n, { text: "/reopen" });
      await w.until(
        () => w.clientView(alice.id).some((m) => /снова открыто специалистом/.test(m.text ?? "")),
        "client told of the reopening",
      );
      // none of the commands reached the client as a comment
      assert.ok(
        !w.clientView(alice.id).some((m) => /\/(take|transfer|close|reopen)/.test(m.text ?? "")),
      );
      // the manager bot did not double-handle the thread commands
      await w.notifier.idle();
      const mgrCalls = w.emu.calls(w.managerBot.id).filter((c) =>
        c.method === "sendMessage" && (c.params as { chat_id: number }).chat_id === w.groupId
      );
      assert.equal(mgrCalls.length, 0);
    } finally {
      await w.stop();
    }
  },
});
