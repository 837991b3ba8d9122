/**
 * A rating prompt rates the work period whose close sent it: a customer who presses the stars
 * of an earlier close after the ticket was reopened and closed again rates that earlier period
 * (whose manager the report credits), not the latest one; the comment goes with it.
 */
import assert from "node:assert/strict";
import { getTicket } from "../src/storage/tickets.ts";
import {
  buttonData,
  clientOpensTicket,
  managerSays,
  pressOnPost,
  startWorld,
  type TestWorld,
} from "./harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

/** The manager closes ticket `n` from its post; returns the new rating prompt. */
async function closeAndPrompt(w: TestWorld, managerId: number, clientId: number, n: number) {
  const prompts = () =>
    w.clientView(clientId).filter((m) => JSON.stringify(m.replyMarkup ?? "").includes("c:rate:"));
  const before = prompts().length;
  await pressOnPost(w, managerId, n, `p:close:${n}`);
  await w.until(() => prompts().length > before, "a new rating prompt");
  return prompts().at(-1)!;
}

Deno.test({
  name:
    "rating: the stars of an earlier close rate that work period after a reopen and a new close",
  ...sanitize,
  fn: async () => {
    const w = await startWorld();
    try {
      const alice = await w.newClient("Alice");
      const bot = w.clientBot.id;
      const maria = w.managers[0]!;
      const n = await clientOpensTicket(w, alice.id, "Оплата", "Платёж завис");
      await managerSays(w, maria.id, n, { text: "Готово" });
      const first = await closeAndPrompt(w, maria.id, alice.id, n);

      // reopened, answered and closed again
      await pressOnPost(w, maria.id, n, `p:reopen:${n}`);
      await w.until(async () => (await getTicket(w.kv, n))?.status !== "closed", "reopened");
      await managerSays(w, maria.id, n, { text: "Теперь точно" });
      const second = await closeAndPrompt(w, maria.id, alice.id, n);
      assert.equal((await getTicket(w.kv, n))?.cycles.length, 2);

      // the first prompt's five stars (and the comment after them) rate the first period
      w.emu.userPressButton(alice.id, bot, first.id, buttonData(first, `c:rate:${n}:5`));
      await w.until(async () => (await getTicket(w.kv, n))?.ratings.length === 1, "rated");
      const invite = await (async () => {
        await w.until(
          () => w.clientView(alice.id).some((m) => /комментарием/.test(m.text ?? "")),
          "comment invite",
        );
        return w.clientView(alice.id).findLast((m) => /комментарием/.test(m.text ?? ""))!;
      })();
      w.emu.userSend(alice.id, bot, { text: "Мария помогла" }, { replyTo: invite.id });
      await w.until(
        async () => (await getTicket(w.kv, n))?.ratings[0]?.comment === "Мария помогла",
        "comment stored",
      );
      let t = (await getTicket(w.kv, n))!;
      assert.equal(t.ratings.length, 1);
      assert.equal(t.ratings[0]!.cycle, 0, "the first close's period");
      assert.equal(t.ratings[0]!.score, 5);

      // the second prompt rates the second period on its own
      w.emu.userPressButton(alice.id, bot, second.id, buttonData(second, `c:rate:${n}:2`));
      await w.until(async () => (await getTicket(w.kv, n))?.ratings.length === 2, "rated again");
      t = (await getTicket(w.kv, n))!;
      const byCycle = new Map(t.ratings.map((r) => [r.cycle, r.score]));
      assert.equal(byCycle.get(0), 5);
      assert.equal(byCycle.get(1), 2);

      // forged stars for a period that does not exist: refused, nothing rated
      const q = w.emu.userPressButton(alice.id, bot, second.id, `c:rate:${n}:1:7`, {
        forged: true,
      });
      await w.until(() => w.emu.callbackAnswer(q) !== undefined, "the forged press answered");
      assert.ok(String(w.emu.callbackAnswer(q)?.text ?? "").length > 0, "told why");
      assert.equal((await getTicket(w.kv, n))?.ratings.length, 2);
    } finally {
      await w.stop();
    }
  },
});
