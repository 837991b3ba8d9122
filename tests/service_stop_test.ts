import assert from "node:assert/strict";
import { getTicket } from "../src/storage/tickets.ts";
import { assertNoAnomalies } from "./emulator/anomaly_check.ts";
import { clientOpensTicket, sanitize, startDesk } from "./manager_harness.ts";

Deno.test({
  name: "service stop: notifications queued for the managers are sent before the stop returns",
  ...sanitize,
  fn: async () => {
    const w = await startDesk();
    let stopped = false;
    try {
      const maria = w.managers[0]!;
      await w.ask(maria.id, "/start");
      const notes = () => w.mgrView(maria.id).filter((m) => !m.outgoing);
      const alice = await w.newClient("Alice");
      const n = await clientOpensTicket(w, alice.id, "Оплата", "Платёж завис");
      await w.notifier.idle();
      assert.ok(await getTicket(w.kv, n), "the ticket");
      const before = notes().length;
      // an SLA check raises its events just as the service is told to stop (a deploy)
      const thresholds = ["reaction_warn", "reaction_breach", "close_warn", "close_breach"];
      for (const threshold of thresholds) {
        w.deps.notifier!.notify({ type: "sla", ticket: n, threshold: threshold as "close_warn" });
      }
      await w.app.stop();
      stopped = true;
      assert.equal(notes().length, before + 4, "Maria heard of each before the stop ended");
      assert.match(notes().at(-1)!.text ?? "", /#\d+/);
    } finally {
      if (!stopped) await w.app.stop();
      await w.emu.close();
      w.kv.close();
      assertNoAnomalies(w.emu);
    }
  },
});
