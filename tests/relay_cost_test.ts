import assert from "node:assert/strict";
import { countingKv } from "../bench/kv_count.ts";
import { openTickets } from "../bench/relay.ts";
import { startSandbox } from "../scripts/sandbox.ts";
import { until } from "../scripts/until.ts";
import { getClient } from "../src/storage/people.ts";
import { changeTicket, listMessages } from "../src/storage/tickets.ts";
import { clientOpensTicket, startWorld } from "./harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name:
    "relay cost: a client's text in an open ticket costs at most 1.5 KV reads on its way into the thread (the lane's runner gets what the change committed, its jobs included, and the change what the last one committed)",
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
      // once; 3.1 before a change of a ticket took what this process last committed of it;
      // 2.1 before a lane known to be drained took the jobs a change queued without listing
      assert.ok(reads <= 1.5, `KV reads per relayed message: ${reads}`);
    } finally {
      await s.stop();
    }
  },
});

Deno.test({
  name:
    "relay: a job another writer queued between a client's messages keeps its place though the lane took the next message from its change without listing",
  ...sanitize,
  fn: async () => {
    const w = await startWorld({ limits: false });
    try {
      const alice = await w.newClient("Alice");
      const n = await clientOpensTicket(w, alice.id, "Оплата", "q");
      const texts = async () =>
        (await w.thread(n)).map((m) => m.text ?? "").filter((t) => /^(a\d|note)$/.test(t));
      // after these the lane knows it is drained (a2 is taken from its change, not listed)
      for (const text of ["a1", "a2"]) {
        w.emu.userSend(alice.id, w.clientBot.id, { text });
        await w.until(async () => (await texts()).includes(text), `${text} in the thread`);
      }
      await w.app.deps.outbox.idle();
      // another writer commits a job and has not kicked the lane yet (the window between its
      // commit and its kick): the next message's change does not follow on from a2's
      const at = w.clock.now();
      const queued = await changeTicket(w.kv, n, at, (_t, next) => ({
        jobs: [{
          ticket: n,
          lane: "group",
          seq: next(),
          createdAt: at,
          attempts: 0,
          notBefore: 0,
          action: { type: "notice", key: "custom_text", params: { text: "note" } },
        }],
        result: undefined,
      }));
      assert.equal(queued.ok, true);
      w.emu.userSend(alice.id, w.clientBot.id, { text: "a3" });
      await w.until(async () => (await texts()).includes("a3"), "a3 in the thread");
      w.app.deps.outbox.kick(n, "group");
      await w.app.deps.outbox.idle();
      assert.deepEqual(await texts(), ["a1", "a2", "note", "a3"], "in the lane's order, each once");
    } finally {
      await w.stop();
    }
  },
});
