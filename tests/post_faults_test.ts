import assert from "node:assert/strict";
import { postTicketNumber } from "../src/services/post.ts";
import { getTicket } from "../src/storage/tickets.ts";
import { clientOpensTicket, managerSays, startWorld, type TestWorld } from "./harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

/** The posts of ticket `n` in the channel, as its owner sees them. */
function postsOf(w: TestWorld, n: number) {
  return w.emu.view(w.owner.id, w.channelId).filter((m) =>
    new RegExp(`Обращение #${n}(\\D|$)`).test(m.text ?? "")
  );
}

Deno.test({
  name: "post: the channel post's answer is lost: one post, adopted by its automatic forward",
  ...sanitize,
  fn: async () => {
    const w = await startWorld();
    try {
      // the post is sent, then the connection breaks: the bot never learns its id
      w.emu.failNext({
        method: "sendMessage",
        botId: w.managerBot.id,
        chatId: w.channelId,
        kind: "drop-after",
      });
      const bob = await w.newClient("Bob", "en");
      const n = await clientOpensTicket(w, bob.id, "Refund", "Where is my refund?");
      await w.deps.outbox.idle();
      const posts = postsOf(w, n);
      assert.equal(posts.length, 1, "exactly one post for the ticket");
      const t = await getTicket(w.kv, n);
      assert.equal(t?.postId, posts[0]!.id, "the post that was sent is the ticket's post");
      assert.equal(t?.threadId, w.emu.threadRootOf(w.channelId, posts[0]!.id)?.messageId);
      assert.ok((await w.thread(n)).some((m) => m.text === "Where is my refund?"));
      await managerSays(w, w.managers[0]!.id, n, { text: "It is on its way" });
      await w.until(
        () => w.clientView(bob.id).some((m) => m.text?.includes("It is on its way")),
        "the manager's answer reaches the client",
      );
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "post: a second post made anyway is linked: a comment under either reaches the client",
  ...sanitize,
  fn: async () => {
    const w = await startWorld();
    try {
      const bob = await w.newClient("Bob", "en");
      // the forward comes too late for the bounded wait: the post is sent again
      w.emu.setAutoForwardDelay({ min: 2000, max: 2000 });
      w.emu.failNext({
        method: "sendMessage",
        botId: w.managerBot.id,
        chatId: w.channelId,
        kind: "drop-after",
      });
      const n = await clientOpensTicket(w, bob.id, "Refund", "Where is my refund?");
      await w.until(async () => (await getTicket(w.kv, n))?.duplicates?.length === 1, "dup");
      const t = (await getTicket(w.kv, n))!;
      const posts = postsOf(w, n);
      assert.equal(posts.length, 2, "two posts of the ticket");
      const extra = posts.find((p) => p.id !== t.postId)!;
      assert.equal(t.duplicates![0]!.postId, extra.id);
      await w.until(
        () =>
          postsOf(w, n).some((p) => p.id === extra.id && /Second post|Второй пост/.test(p.text!)),
        "the extra post marked as a duplicate",
      );
      // under the extra post, and under the main one: both reach the client
      const maria = w.managers[0]!;
      w.emu.userComment(maria.id, w.channelId, extra.id, { text: "Answer under the extra post" });
      await w.until(
        () => w.clientView(bob.id).some((m) => m.text?.includes("Answer under the extra post")),
        "a comment under the extra post reaches the client",
      );
      await managerSays(w, maria.id, n, { text: "Answer under the main post" });
      await w.until(
        () => w.clientView(bob.id).some((m) => m.text?.includes("Answer under the main post")),
        "a comment under the main post reaches the client",
      );
    } finally {
      await w.stop();
    }
  },
});

Deno.test("post: the ticket a post names is read from its title in either language", () => {
  assert.equal(postTicketNumber("🎫 Ticket #12\nStatus: new"), 12);
  assert.equal(postTicketNumber("🎫 Обращение #7"), 7);
  assert.equal(postTicketNumber("🎫 Ticket #12 and more"), undefined);
  assert.equal(postTicketNumber("Hello #3"), undefined);
  assert.equal(postTicketNumber(undefined), undefined);
});
