import assert from "node:assert/strict";
import { countingKv } from "../bench/kv_count.ts";
import { openTickets } from "../bench/relay.ts";
import { startSandbox } from "../scripts/sandbox.ts";
import { until } from "../scripts/until.ts";
import { getClient } from "../src/storage/people.ts";
import { listMessages } from "../src/storage/tickets.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name:
    "relay cost: a client's text in an open ticket costs at most 2.5 KV reads on its way into the thread (the lane's runner gets what the change committed, the change what the last one committed)",
  ...sanitize,
  fn: async () => {
    let counter: ReturnType<typeof countingKv> | null = null;
    const s = await startSandbox({
      limits: false,
      timeScale: 1,
      wrapKv: (kv) => (counter = countingKv(kv)).kv,
    });
    try {
      const roots = await openTickets(s, 2);
      await s.app.deps.outbox.idle();
      counter!.reset();
      const clients = [...roots.keys()];
      const total = 20;
      for (let i = 0; i < total; i++) {
        s.emu.userSend(clients[i % 2]!, s.bots.client.id, { text: `m${i}` });
      }
      const inThreads = () =>
        [...roots.values()].flatMap((root) => s.emu.threadView(s.groupId, root))
          .filter((m) => /^m\d+$/.test(m.text ?? "")).length;
      await until(() => inThreads() >= total, "all in their threads", 60_000);
      await s.app.deps.outbox.idle();
      assert.equal(inThreads(), total, "each message is one comment");
      // every record knows its copy: nothing of the completion was skipped
      for (const id of clients) {
        const n = (await getClient(s.kv, id))!.currentTicket!;
        const mine = (await listMessages(s.kv, n)).filter((m) => /^m\d+$/.test(m.text ?? ""));
        assert.equal(mine.length, total / 2);
        for (const m of mine) {
          assert.equal(m.delivery, "sent");
          assert.ok(m.copy, "the copy is recorded");
        }
      }
      const reads = counter!.counts.reads / total;
      assert.ok(reads > 0, "reads are counted");
      // 9.1 before the runner got the committed ticket and record and the lane was listed at
      // once; 3.1 before a change of a ticket took what this process last committed of it
      assert.ok(reads <= 2.5, `KV reads per relayed message: ${reads}`);
    } finally {
      await s.stop();
    }
  },
});
