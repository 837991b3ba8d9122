import assert from "node:assert/strict";
import { getTicket, listMessages } from "../src/storage/tickets.ts";
import { startWorld, type TestWorld } from "./harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

async function openTicketAs(w: TestWorld, clientId: number, topic: string, question: string) {
  w.emu.userSend(clientId, w.clientBot.id, { text: question });
  await w.until(
    () => w.clientView(clientId).some((m) => /тему|topic/i.test(m.text ?? "")),
    "the topic question",
  );
  w.emu.userSend(clientId, w.clientBot.id, { text: topic });
}

Deno.test({
  name:
    "core loop: a question becomes a ticket post and its first comment; the answer reaches the client anonymously",
  ...sanitize,
  fn: async () => {
    const w = await startWorld();
    try {
      const alice = await w.newClient("Alice");
      await openTicketAs(w, alice.id, "Доставка", "Где мой заказ?");
      await w.until(async () => (await w.thread(1)).length >= 1, "the first comment");
      const ticket = (await getTicket(w.kv, 1))!;
      assert.equal(ticket.topic, "Доставка");
      // the client's name as Telegram gave it, kept for the report's rows
      assert.deepEqual(ticket.opener, { firstName: "Alice", username: "alice" });
      const post = w.emu.view(w.owner.id, w.channelId).find((m) => m.id === ticket.postId);
      assert.match(post?.text ?? "", /#1/);
      assert.match(post?.text ?? "", /Alice/);
      const [first] = await w.thread(1);
      assert.equal(first?.text, "Где мой заказ?");

      const maria = w.managers[0]!;
      w.emu.userSend(maria.id, w.groupId, { text: "Уже едет!" }, { replyTo: ticket.threadId! });
      await w.until(
        () => w.clientView(alice.id).some((m) => m.text?.includes("Уже едет!")),
        "the answer at the client",
      );
      const answer = w.clientView(alice.id).find((m) => m.text?.includes("Уже едет!"))!;
      assert.equal(answer.sender.type, "bot");
      assert.equal(answer.sender.id, w.clientBot.id);
      assert.match(answer.text!, /^#1\n/);
      assert.ok(!JSON.stringify(answer).includes("Maria"));
      await w.until(async () => (await getTicket(w.kv, 1))?.managerId === maria.id, "assignment");
      const history = await listMessages(w.kv, 1);
      assert.deepEqual(history.map((m) => [m.direction, m.text]), [
        ["in", "Где мой заказ?"],
        ["out", "Уже едет!"],
      ]);
    } finally {
      await w.stop();
    }
  },
});
