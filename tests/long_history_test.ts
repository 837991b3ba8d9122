import assert from "node:assert/strict";
import { type Cycle, reopenable } from "../src/domain/ticket.ts";
import { getClient } from "../src/storage/people.ts";
import { changeTicket, getTicket } from "../src/storage/tickets.ts";
import { clientOpensTicket, managerSays, startWorld } from "./harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

/** Work periods as years of reopenings leave them: each answered, paused, closed. */
function pastCycles(n: number, from: number): Cycle[] {
  const day = 86_400_000;
  return Array.from({ length: n }, (_, i) => {
    const start = from + i * 7 * day;
    return {
      startedAt: start,
      firstReplyAt: start + 60_000,
      closedAt: start + day,
      closedBy: { role: "manager", id: 1 },
      paused: Array.from(
        { length: 20 },
        (_, k): [number, number] => [start + k * 3_600_000, start + k * 3_600_000 + 600_000],
      ),
    };
  });
}

Deno.test({
  name:
    "long history: a ticket too long to reopen is not offered again; the customer's message opens a new ticket, a manager's /reopen is refused",
  ...sanitize,
  fn: async () => {
    const w = await startWorld();
    try {
      const alice = await w.newClient("Alice");
      const bot = w.clientBot.id;
      const n = await clientOpensTicket(w, alice.id, "Оплата", "Платёж завис");
      const maria = w.managers[0]!;
      await managerSays(w, maria.id, n, { text: "/close" });
      await w.until(async () => (await getTicket(w.kv, n))?.status === "closed", "closed");
      // the record as a ticket reopened sixty times would have it
      const grown = await changeTicket(w.kv, n, w.clock.now(), (t) => ({
        ticket: { ...t, cycles: [...pastCycles(60, t.createdAt - 500 * 86_400_000), ...t.cycles] },
        result: undefined,
      }));
      assert.ok(grown.ok);
      assert.equal(reopenable(grown.ticket), false);

      // a manager's /reopen in the thread is refused, with the reason
      await managerSays(w, maria.id, n, { text: "/reopen" });
      await w.until(
        async () => (await w.thread(n)).some((m) => /слишком много раз/.test(m.text ?? "")),
        "refusal in the thread",
      );
      assert.equal((await getTicket(w.kv, n))?.status, "closed");

      // the customer writes: told why, offered a new request only, nothing dropped
      w.emu.userSend(alice.id, bot, { text: "Снова не проходит платёж" });
      await w.until(
        () => w.clientView(alice.id).some((m) => /слишком длинная/.test(m.text ?? "")),
        "a new request offered",
      );
      const ask = w.clientView(alice.id).findLast((m) => /слишком длинная/.test(m.text ?? ""))!;
      const markup = JSON.stringify(ask.replyMarkup ?? "");
      assert.match(markup, /c:held_new/);
      assert.doesNotMatch(markup, /held_reopen/);

      // a reopen press anyway (an older keyboard, or forged): told, and asked for the topic
      const asked = w.clientView(alice.id).filter((m) => /тему|topic/i.test(m.text ?? "")).length;
      const q = w.emu.userPressButton(alice.id, bot, ask.id, `c:held_reopen:${n}`, {
        forged: true,
      });
      await w.until(() => w.emu.callbackAnswer(q) !== undefined, "press answered");
      assert.match(String(w.emu.callbackAnswer(q)?.text), /слишком длинная/);
      await w.until(
        () => w.clientView(alice.id).filter((m) => /тему|topic/i.test(m.text ?? "")).length > asked,
        "the topic question",
      );
      w.emu.userSend(alice.id, bot, { text: "Оплата" });
      let m = 0;
      await w.until(async () => {
        m = (await getClient(w.kv, alice.id))?.currentTicket ?? 0;
        return m !== 0 && m !== n;
      }, "the new ticket");
      await w.until(
        async () => (await w.thread(m)).some((c) => c.text === "Снова не проходит платёж"),
        "the held message in the new ticket's thread",
      );
      const old = (await getTicket(w.kv, n))!;
      assert.equal(old.status, "closed");
      assert.equal(old.cycles.length, 61);
    } finally {
      await w.stop();
    }
  },
});
