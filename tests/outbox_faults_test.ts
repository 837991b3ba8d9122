import assert from "node:assert/strict";
import type { OutboxJob } from "../src/domain/records.ts";
import { createLogger } from "../src/log.ts";
import type { HelpdeskEvent } from "../src/services/deps.ts";
import { quarantinedJobs } from "../src/storage/outbox.ts";
import { clientOpensTicket, managerSays, startWorld, type TestWorld } from "./harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

/** The jobs waiting in a lane of ticket `n`. */
async function laneJobs(w: TestWorld, n: number, lane: string): Promise<OutboxJob[]> {
  const out: OutboxJob[] = [];
  for await (const e of w.kv.list<OutboxJob>({ prefix: ["outbox", n, lane] })) out.push(e.value);
  return out;
}

/** Attempts to send the client a text containing `text`. */
function sendsOf(w: TestWorld, text: string): number {
  return w.emu.calls(w.clientBot.id).filter((c) =>
    c.method === "sendMessage" && String(c.params.text ?? "").includes(text)
  ).length;
}

Deno.test({
  name:
    "outbox: a permanent 500 stops at the attempt ceiling; quarantined, thread told, the lane goes on",
  ...sanitize,
  fn: async () => {
    const w = await startWorld({ outboxLimits: { maxAttempts: 5 } });
    try {
      const bob = await w.newClient("Bob", "en");
      const n = await clientOpensTicket(w, bob.id, "Refund", "Where is my refund?");
      const maria = w.managers[0]!;
      // the ticket's own messages to Bob first, so that the faults meet the answer only
      await w.until(
        () => w.clientView(bob.id).some((m) => !m.outgoing && /#\d+ ·/.test(m.text ?? "")),
        "the ticket's header",
      );
      await w.deps.outbox.idle();
      // exactly as many 500s as the ceiling: without one, the sixth attempt would get through
      w.emu.failNext({
        method: "sendMessage",
        botId: w.clientBot.id,
        chatId: bob.id,
        count: 5,
        kind: "500",
      });
      await managerSays(w, maria.id, n, { text: "Answer one" });
      await managerSays(w, maria.id, n, { text: "Answer two" });
      await w.until(
        async () =>
          (await w.thread(n)).some((m) =>
            /Не удалось доставить сообщение клиенту: Internal Server Error \(попыток: 5\)/.test(
              m.text ?? "",
            )
          ),
        "managers told the answer was not delivered",
      );
      await w.until(
        () => w.clientView(bob.id).some((m) => m.text === "#1\nAnswer two"),
        "the later answer of the same lane delivered",
      );
      assert.ok(!w.clientView(bob.id).some((m) => m.text?.includes("Answer one")));
      assert.equal(sendsOf(w, "Answer one"), 5, "five attempts, then given up");
      const q = await quarantinedJobs(w.kv);
      assert.equal(q.length, 1);
      assert.equal(q[0]!.job.lane, "client");
      assert.equal(q[0]!.job.action.type, "copy");
      assert.equal(q[0]!.reason, "Internal Server Error");
      assert.equal(q[0]!.attempts, 5);
      assert.equal(q[0]!.job.ticket, n);
      assert.equal(
        (await w.kv.get(["outbox_quarantine", n, "client", q[0]!.job.seq])).versionstamp !== null,
        true,
      );
      // the delivered job's record goes a moment after Telegram's answer
      await w.until(async () => (await laneJobs(w, n, "client")).length === 0, "the lane emptied");
      assert.deepEqual(await laneJobs(w, n, "client"), [], "nothing left at the head of the lane");
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "outbox: the age ceiling (24 h since the first failure) follows the injected clock",
  ...sanitize,
  fn: async () => {
    const w = await startWorld();
    try {
      const bob = await w.newClient("Bob", "en");
      const n = await clientOpensTicket(w, bob.id, "Refund", "Where is my refund?");
      const maria = w.managers[0]!;
      // the ticket's own messages to Bob first, so that the faults meet the answer only
      await w.until(
        () => w.clientView(bob.id).some((m) => !m.outgoing && /#\d+ ·/.test(m.text ?? "")),
        "the ticket's header",
      );
      await w.deps.outbox.idle();
      w.emu.failNext({
        method: "sendMessage",
        botId: w.clientBot.id,
        chatId: bob.id,
        count: 1000,
        kind: "500",
      });
      await managerSays(w, maria.id, n, { text: "Late answer" });
      await w.until(
        async () => (await laneJobs(w, n, "client")).some((j) => j.attempts >= 1),
        "a first failed attempt recorded",
      );
      const [job] = await laneJobs(w, n, "client");
      assert.equal(job!.firstFailedAt, w.clock.now(), "the first failure's time, by the clock");
      w.clock.advance(25 * 3600_000);
      await w.until(
        async () =>
          (await w.thread(n)).some((m) =>
            /Не удалось доставить сообщение клиенту: Internal Server Error/.test(m.text ?? "")
          ),
        "managers told after a day",
      );
      w.emu.faults.clear();
      const [q] = await quarantinedJobs(w.kv);
      assert.ok(q, "quarantined");
      assert.ok(q.attempts < 20, `set aside by age, not by attempts (${q.attempts})`);
      assert.ok(q.quarantinedAt - q.firstFailedAt! >= 24 * 3600_000);
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "outbox: failed attempts are logged once per job and reason, not once per attempt",
  ...sanitize,
  fn: async () => {
    const lines: string[] = [];
    const w = await startWorld({
      outboxLimits: { maxAttempts: 8 },
      log: createLogger("debug", (l) => lines.push(l)),
    });
    try {
      const bob = await w.newClient("Bob", "en");
      const n = await clientOpensTicket(w, bob.id, "Refund", "Where is my refund?");
      const maria = w.managers[0]!;
      const fault = { method: "sendMessage", botId: w.clientBot.id, chatId: bob.id } as const;
      // the ticket's own messages to Bob first, so that the faults meet the answer only
      await w.until(
        () => w.clientView(bob.id).some((m) => !m.outgoing && /#\d+ ·/.test(m.text ?? "")),
        "the ticket's header",
      );
      await w.deps.outbox.idle();
      // two reasons, four attempts each: first the 500s, then broken connections
      w.emu.failNext({ ...fault, count: 4, kind: "500" });
      w.emu.failNext({ ...fault, count: 4, kind: "drop" });
      await managerSays(w, maria.id, n, { text: "Logged answer" });
      await w.until(async () => (await quarantinedJobs(w.kv)).length === 1, "quarantined");
      assert.equal(sendsOf(w, "Logged answer"), 8);
      const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((r) => String(r.msg).startsWith("Cannot deliver") && r.ticket === n);
      const retrying = records.filter((r) => /retrying/.test(String(r.msg)));
      assert.equal(retrying.length, 2, JSON.stringify(records));
      assert.equal(retrying[0]!.reason, "Internal Server Error");
      assert.notEqual(retrying[1]!.reason, "Internal Server Error");
      assert.equal(records.filter((r) => /set aside/.test(String(r.msg))).length, 1);
      for (const l of lines) {
        assert.ok(!l.includes(w.clientBot.token) && !l.includes(w.managerBot.token), l);
      }
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "outbox: the attempt count is kept in KV and survives a restart of the outbox",
  ...sanitize,
  fn: async () => {
    const w = await startWorld({ outboxLimits: { maxAttempts: 6 } });
    try {
      const bob = await w.newClient("Bob", "en");
      const n = await clientOpensTicket(w, bob.id, "Refund", "Where is my refund?");
      const maria = w.managers[0]!;
      // the ticket's own messages to Bob first, so that the faults meet the answer only
      await w.until(
        () => w.clientView(bob.id).some((m) => !m.outgoing && /#\d+ ·/.test(m.text ?? "")),
        "the ticket's header",
      );
      await w.deps.outbox.idle();
      // six 500s: a restart that forgot the first attempts would get the message through
      w.emu.failNext({
        method: "sendMessage",
        botId: w.clientBot.id,
        chatId: bob.id,
        count: 6,
        kind: "500",
      });
      await managerSays(w, maria.id, n, { text: "Persistent answer" });
      await w.until(
        async () => (await laneJobs(w, n, "client")).some((j) => j.attempts >= 2),
        "two failed attempts recorded",
      );
      await w.restartOutbox();
      await w.until(async () => (await quarantinedJobs(w.kv)).length === 1, "quarantined");
      const [q] = await quarantinedJobs(w.kv);
      assert.equal(q!.attempts, 6);
      assert.equal(sendsOf(w, "Persistent answer"), 6, "six attempts across the restart");
      assert.ok(!w.clientView(bob.id).some((m) => m.text?.includes("Persistent answer")));
      await w.until(
        async () => (await w.thread(n)).some((m) => /попыток: 6/.test(m.text ?? "")),
        "managers told",
      );
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name:
    "outbox: a client's message that cannot reach the thread: the client is told, admins alerted",
  ...sanitize,
  fn: async () => {
    const events: HelpdeskEvent[] = [];
    const w = await startWorld({
      outboxLimits: { maxAttempts: 4 },
      notifier: { notify: (e) => void events.push(e) },
    });
    try {
      // the admins' alerts go out through the settings bot, which the owner has opened
      const settingsBot = w.settingsBot;
      w.emu.userStartBot(w.owner.id, settingsBot.id);
      const bob = await w.newClient("Bob", "en");
      const n = await clientOpensTicket(w, bob.id, "Refund", "Where is my refund?");
      w.emu.failNext({
        method: "copyMessage",
        botId: w.clientBot.id,
        chatId: w.groupId,
        count: 4,
        kind: "500",
      });
      w.emu.userSend(bob.id, w.clientBot.id, { text: "Any news?" });
      await w.until(
        () =>
          w.clientView(bob.id).some((m) =>
            /could not be passed on to the support team/.test(m.text ?? "")
          ),
        "the client told in English",
      );
      await w.until(() => events.some((e) => e.type === "undeliverable"), "admins alerted");
      const e = events.find((e) => e.type === "undeliverable");
      assert.deepEqual(e, {
        type: "undeliverable",
        ticket: n,
        lane: "group",
        reason: "Internal Server Error",
      });
      await w.until(
        () =>
          w.emu.view(w.owner.id, settingsBot.id).some((m) =>
            m.text ===
              `⚠️ Обращение #${n}: сообщение не доставлено в группу менеджеров: Internal Server Error`
          ),
        "the admin's alert in the settings bot",
      );
      const [q] = await quarantinedJobs(w.kv);
      assert.equal(q?.job.lane, "group");
      assert.ok(!(await w.thread(n)).some((m) => m.text === "Any news?"));
      // the lane goes on
      w.emu.userSend(bob.id, w.clientBot.id, { text: "Hello again" });
      await w.until(
        async () => (await w.thread(n)).some((m) => m.text === "Hello again"),
        "the next message reaches the thread",
      );
    } finally {
      await w.stop();
    }
  },
});
