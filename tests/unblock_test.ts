import assert from "node:assert/strict";
import { getClient } from "../src/storage/people.ts";
import { getTicket } from "../src/storage/tickets.ts";
import { clientOpensTicket, managerSays, startWorld } from "./harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name: "a customer back after blocking the bot gets what waited, a closed ticket's notices too",
  ...sanitize,
  fn: async () => {
    const w = await startWorld();
    try {
      const alice = await w.newClient("Alice", "en");
      const n = await clientOpensTicket(w, alice.id, "Billing", "My invoice is wrong");
      w.emu.userBlockBot(alice.id, w.clientBot.id);
      await w.until(async () => (await getClient(w.kv, alice.id))?.unreachable === true, "gone");
      // closed meanwhile: the close notice and the rating prompt wait for her
      managerSays(w, w.managers[0]!.id, n, { text: "/close" });
      await w.until(async () => (await getTicket(w.kv, n))?.status === "closed", "closed");
      const seen = w.clientView(alice.id).length;
      w.emu.userUnblockBot(alice.id, w.clientBot.id);
      // found at once, not at the next minute job (found by the chaos suite in webhook mode)
      await w.until(
        () => w.clientView(alice.id).slice(seen).some((m) => /closed/i.test(m.text ?? "")),
        "the close notice after she came back",
        5_000,
      );
      assert.equal((await getClient(w.kv, alice.id))?.unreachable, false);
    } finally {
      await w.stop();
    }
  },
});
