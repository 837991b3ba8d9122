import assert from "node:assert/strict";
import { getTicket, listMessages } from "../src/storage/tickets.ts";
import { clientOpensTicket, startWorld } from "./harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name:
    "reliability: a burst of 100 messages over 10 tickets under the group's limit: all, in order, once, fairly",
  ...sanitize,
  fn: async () => {
    // a Telegram minute lasts 300 ms: 100 comments need at least 5 windows of 20; the pacing
    // alone, one comment per message (coalescing and the second writer: capacity_test.ts)
    const w = await startWorld({
      timeScale: 0.005,
      outboxLevers: { coalesce: false, secondWriter: false },
    });
    try {
      const clients = await Promise.all(
        Array.from({ length: 10 }, (_, i) => w.newClient(`Client${i}`)),
      );
      const tickets: number[] = [];
      for (const c of clients) tickets.push(await clientOpensTicket(w, c.id, "Burst", "start"));
      const start = performance.now();
      for (let k = 0; k < 10; k++) {
        for (const c of clients) w.emu.userSend(c.id, w.clientBot.id, { text: `m${k}` });
      }
      const firstSeen = new Map<number, number>();
      await w.until(
        async () => {
          let done = 0;
          for (const n of tickets) {
            const th = await w.thread(n);
            if (th.length > 1 && !firstSeen.has(n)) firstSeen.set(n, performance.now() - start);
            if (th.length >= 11) done++;
          }
          return done === tickets.length;
        },
        "all burst comments",
        30_000,
      );
      for (const n of tickets) {
        const texts = (await w.thread(n)).map((m) => m.text);
        assert.deepEqual(
          texts,
          ["start", ...Array.from({ length: 10 }, (_, k) => `m${k}`)],
          `#${n}`,
        );
      }
      // no ticket starved: every ticket got its first burst comment within the first two windows
      const worst = Math.max(...firstSeen.values());
      assert.ok(
        worst < 2 * 60_000 * 0.005 + 400,
        `a ticket waited ${worst} ms for its first comment`,
      );
      const limited = [w.clientBot.id, w.managerBot.id].flatMap((id) =>
        w.emu.calls(id).filter((c) => c.errorCode === 429).map((c) =>
          `${c.method} ${JSON.stringify(c.params).slice(0, 80)}`
        )
      );
      assert.deepEqual(limited, [], "paced before Telegram had to say 429");
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "reliability: the same update delivered twice produces one comment",
  ...sanitize,
  fn: async () => {
    const w = await startWorld();
    try {
      const alice = await w.newClient("Alice");
      const n = await clientOpensTicket(w, alice.id, "Дубли", "Первое");
      w.emu.userSend(alice.id, w.clientBot.id, { text: "Только один раз" });
      await w.until(async () => (await w.thread(n)).length >= 2, "comment");
      const upd = w.clientUpdates.find((u) => u.message?.text === "Только один раз")!;
      await w.bots.client.handleUpdate(structuredClone(upd));
      await w.bots.client.handleUpdate(structuredClone(upd));
      await w.deps.outbox.idle();
      const th = (await w.thread(n)).map((m) => m.text);
      assert.deepEqual(th, ["Первое", "Только один раз"]);
      assert.equal((await listMessages(w.kv, n)).length, 2);
    } finally {
      await w.stop();
    }
  },
});

for (const order of ["root before the post id is stored", "root well after the post"] as const) {
  Deno.test({
    name: `reliability: client messages wait for the thread root (${order})`,
    ...sanitize,
    fn: async () => {
      const w = await startWorld({
        autoForwardDelay: order === "root before the post id is stored"
          ? "before-return"
          : { min: 150, max: 250 },
      });
      try {
        const alice = await w.newClient("Alice");
        w.emu.userSend(alice.id, w.clientBot.id, { text: "/new" });
        await w.until(() => w.clientView(alice.id).some((m) => /тему/.test(m.text ?? "")), "topic");
        w.emu.userSend(alice.id, w.clientBot.id, { text: "Тема" });
        await w.until(
          () => w.clientView(alice.id).some((m) => /Тема: Тема/.test(m.text ?? "")),
          "prompt",
        );
        w.emu.userSend(alice.id, w.clientBot.id, { text: "один" });
        w.emu.userSend(alice.id, w.clientBot.id, { text: "два" });
        w.emu.userSend(alice.id, w.clientBot.id, { text: "три" });
        await w.until(async () => (await w.thread(1)).length >= 3, "comments", 15_000);
        assert.deepEqual((await w.thread(1)).map((m) => m.text), ["один", "два", "три"]);
        const t = (await getTicket(w.kv, 1))!;
        assert.equal(w.emu.threadRootOf(w.channelId, t.postId!)?.messageId, t.threadId);
      } finally {
        await w.stop();
      }
    },
  });
}
