import assert from "node:assert/strict";
import { addManager } from "../src/services/setup/managers.ts";
import { addAdmin, getAdmin, getManager, putManager } from "../src/storage/people.ts";
import { getTicket } from "../src/storage/tickets.ts";
import { clientOpensTicket, managerSays, sanitize, startDesk } from "./manager_harness.ts";

Deno.test({
  name: "a manager added by id is named by their first comment; /transfer N @username finds them",
  ...sanitize,
  fn: async () => {
    const w = await startDesk();
    try {
      const maria = w.managers[0]!;
      const pavel = w.emu.createUser({
        firstName: "Pavel",
        lastName: "Orlov",
        username: "pavel_desk",
        languageCode: "ru",
      });
      w.emu.setMember(w.groupId, pavel.id, { status: "member" });
      // what the settings bot's "add by id" stores for someone no bot has seen yet
      await addManager(w.deps, w.owner.id, { id: pavel.id, name: String(pavel.id), lang: "ru" });

      const alice = await w.newClient("Alice");
      const n = await clientOpensTicket(w, alice.id, "Оплата", "Платёж завис");
      await managerSays(w, pavel.id, n, { text: "Здравствуйте, смотрю" });
      await w.until(async () => {
        const m = await getManager(w.kv, pavel.id);
        return m?.name === "Pavel Orlov" && m.username === "pavel_desk";
      }, "Pavel named from his comment");
      // his post shows his name, not his number
      await w.until(async () => (await getTicket(w.kv, n))?.managerId === pavel.id, "taken");
      const postId = (await getTicket(w.kv, n))!.postId!;
      await w.until(() => w.postText(postId).includes("Pavel Orlov"), "post names Pavel");

      // the desk finds him by his username now
      const n2 = await clientOpensTicket(w, alice.id, "Доставка", "Где заказ?");
      await w.ask(maria.id, "/start");
      const [answer] = await w.ask(maria.id, `/transfer ${n2} @pavel_desk`);
      assert.match(answer!.text ?? "", /Pavel Orlov/);
      await w.until(async () => (await getTicket(w.kv, n2))?.managerId === pavel.id, "moved");
      await w.until(
        async () =>
          (await w.thread(n2)).some((m) => m.text?.includes("Обращение передано: Pavel Orlov")),
        "thread names Pavel",
      );
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "a reopen notifies the assigned manager; an unassigned one the rest of the team",
  ...sanitize,
  fn: async () => {
    const w = await startDesk();
    try {
      const [maria, ivan] = [w.managers[0]!, w.managers[1]!];
      await w.ask(maria.id, "/start");
      await w.ask(ivan.id, "/start");
      const notes = (id: number) =>
        w.mgrView(id).filter((m) => !m.outgoing).map((m) => m.text ?? "");
      const alice = await w.newClient("Alice");
      const n = await clientOpensTicket(w, alice.id, "Оплата", "Платёж завис");
      await managerSays(w, maria.id, n, { text: "Готово" });
      await w.until(async () => (await getTicket(w.kv, n))?.managerId === maria.id, "assigned");
      await managerSays(w, maria.id, n, { text: "/close" });
      await w.until(async () => (await getTicket(w.kv, n))?.status === "closed", "closed");

      // the customer writes into the closed ticket and chooses to reopen it
      w.emu.userSend(alice.id, w.clientBot.id, { text: "Опять не работает" });
      let ask = undefined as ReturnType<typeof w.clientView>[number] | undefined;
      await w.until(() => {
        ask = w.clientView(alice.id).findLast((m) =>
          JSON.stringify(m.replyMarkup ?? "").includes(`c:held_reopen:${n}`)
        );
        return ask !== undefined;
      }, "reopen question");
      w.emu.userPressButton(alice.id, w.clientBot.id, ask!.id, `c:held_reopen:${n}`);
      await w.until(
        () => notes(maria.id).some((t) => t.includes(`снова открыл обращение #${n}`)),
        "Maria told of the reopen",
      );
      await w.notifier.idle();
      assert.ok(!notes(ivan.id).some((t) => t.includes(`#${n}`) && /снова открыл/.test(t)));

      // a ticket nobody has: whoever reopens it knows, everyone else hears
      const n2 = await clientOpensTicket(w, alice.id, "Доставка", "Где заказ?");
      await managerSays(w, ivan.id, n2, { text: "/close" });
      await w.until(async () => (await getTicket(w.kv, n2))?.status === "closed", "closed");
      assert.equal((await getTicket(w.kv, n2))?.managerId, null);
      await managerSays(w, ivan.id, n2, { text: "/reopen" });
      await w.until(
        () => notes(maria.id).some((t) => t.includes(`Ivan снова открыл(а) обращение #${n2}`)),
        "Maria told of Ivan's reopen",
      );
      await w.notifier.idle();
      assert.ok(!notes(ivan.id).some((t) => t.includes(`открыл(а) обращение #${n2}`)));

      // Maria leaves the team; her closed ticket, reopened by the customer, reaches the others
      await managerSays(w, maria.id, n, { text: "/close" });
      await w.until(async () => (await getTicket(w.kv, n))?.status === "closed", "closed again");
      await putManager(w.kv, { ...(await getManager(w.kv, maria.id))!, active: false });
      // from the list of her tickets this time (her current one is the other ticket)
      const before = w.clientView(alice.id).length;
      w.emu.userSend(alice.id, w.clientBot.id, { text: "/tickets" });
      let list = undefined as ReturnType<typeof w.clientView>[number] | undefined;
      await w.until(() => {
        list = w.clientView(alice.id).slice(before).find((m) =>
          JSON.stringify(m.replyMarkup ?? "").includes(`c:reopen:${n}`)
        );
        return list !== undefined;
      }, "her tickets with a reopen button");
      w.emu.userPressButton(alice.id, w.clientBot.id, list!.id, `c:reopen:${n}`);
      await w.until(
        () => notes(ivan.id).some((t) => t.includes(`снова открыл обращение #${n}`)),
        "Ivan told of the reopen of a removed manager's ticket",
      );
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "an admin added by id is named when they first write to one of the bots",
  ...sanitize,
  fn: async () => {
    const w = await startDesk();
    try {
      const nina = w.emu.createUser({ firstName: "Nina", username: "nina_admin" });
      await addAdmin(w.kv, nina.id, w.owner.id, w.clock.now());
      assert.equal((await getAdmin(w.kv, nina.id))?.name, undefined);
      await w.ask(nina.id, "/start");
      await w.until(async () => (await getAdmin(w.kv, nina.id))?.name === "Nina", "Nina named");
      assert.equal((await getAdmin(w.kv, nina.id))?.username, "nina_admin");
      // no manager record is made up for her
      assert.equal(await getManager(w.kv, nina.id), null);
    } finally {
      await w.stop();
    }
  },
});
