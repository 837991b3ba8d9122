import assert from "node:assert/strict";
import { addManager } from "../src/services/setup/managers.ts";
import { getManager } from "../src/storage/people.ts";
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
