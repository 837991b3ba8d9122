/** A client's message Telegram refuses to copy (paid media, an invoice) is not lost silently. */
import assert from "node:assert/strict";
import { clientOpensTicket, startWorld } from "./harness.ts";

Deno.test({
  name: "a client's paid media can't be copied: the managers see why in the thread",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const w = await startWorld();
    try {
      const bob = await w.newClient("Bob", "en");
      const n = await clientOpensTicket(w, bob.id, "Refund", "Where is my refund?");
      w.emu.userSend(bob.id, w.clientBot.id, { paid_media: { star_count: 5, caption: "pay" } });
      await w.until(
        async () =>
          (await w.thread(n)).some((m) => (m.text ?? "").includes("message can't be copied")),
        "a notice with the reason in the thread",
      );
      await w.until(
        () =>
          w.clientView(bob.id).some((m) =>
            /could not be passed on to the support team/.test(m.text ?? "")
          ),
        "the client told",
      );
      // the lane goes on
      w.emu.userSend(bob.id, w.clientBot.id, { text: "Hello again" });
      await w.until(
        async () => (await w.thread(n)).some((m) => m.text === "Hello again"),
        "the next message reaches the thread",
      );
      assert.ok(true);
    } finally {
      await w.stop();
    }
  },
});
