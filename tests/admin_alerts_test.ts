/**
 * The admins' alerts are stored before the settings bot sends them: one Telegram did not take
 * is sent again later, also after a restart, and one it never will take (an admin who never
 * opened the settings bot) is given up without holding up the others.
 */
import assert from "node:assert/strict";
import { K } from "../src/storage/keys.ts";
import { addAdmin } from "../src/storage/people.ts";
import { clientOpensTicket, startWorld, type TestWorld } from "./harness.ts";
import { sanitize } from "./manager_harness.ts";

/** The alert the owner gets when ticket `n`'s client message cannot reach the thread. */
const alertOf = (n: number) =>
  `⚠️ Обращение #${n}: сообщение не доставлено в группу менеджеров: Internal Server Error`;

async function storedAlerts(w: TestWorld) {
  const out = [];
  for await (const e of w.kv.list<{ to: number; attempts: number }>({ prefix: K.adminAlerts() })) {
    out.push(e.value);
  }
  return out;
}

/** Makes the next client message of ticket `n` undeliverable to the thread: an alert follows. */
function failAClientMessage(w: TestWorld, client: number): void {
  w.emu.failNext({
    method: "copyMessage",
    botId: w.clientBot.id,
    chatId: w.groupId,
    count: 4,
    kind: "500",
  });
  w.emu.userSend(client, w.clientBot.id, { text: "Any news?" });
}

/** The owner opens the settings bot and gets its answer (so no fault below meets that answer). */
async function openSettings(w: TestWorld): Promise<void> {
  w.emu.userStartBot(w.owner.id, w.settingsBot.id);
  await w.until(
    () => w.emu.view(w.owner.id, w.settingsBot.id).some((m) => !m.outgoing),
    "the settings bot's answer",
  );
}

const alertsSeen = (w: TestWorld, n: number) =>
  w.emu.view(w.owner.id, w.settingsBot.id).filter((m) => m.text === alertOf(n)).length;

/**
 * The owner opens the settings bot, Bob opens a ticket, the settings bot's next send to the
 * owner fails as `fault` says, and Bob's next message cannot reach the thread: an alert follows,
 * kept after its failed attempt. Returns the ticket's number.
 */
async function alertThatFailedOnce(w: TestWorld, fault: "500" | "drop"): Promise<number> {
  await openSettings(w);
  const bob = await w.newClient("Bob", "en");
  const n = await clientOpensTicket(w, bob.id, "Refund", "Where is my refund?");
  w.emu.failNext({
    method: "sendMessage",
    botId: w.settingsBot.id,
    chatId: w.owner.id,
    kind: fault,
  });
  failAClientMessage(w, bob.id);
  await w.until(
    async () => (await storedAlerts(w)).some((a) => a.attempts === 1),
    "the alert kept after its failed attempt",
  );
  return n;
}

Deno.test({
  name: "admin alerts: one the settings bot could not send is kept and sent on a later tick",
  ...sanitize,
  fn: async () => {
    const w = await startWorld({ outboxLimits: { maxAttempts: 4 } });
    try {
      const n = await alertThatFailedOnce(w, "500");
      assert.equal(alertsSeen(w, n), 0);
      // not before its retry time
      await w.app.cronTick();
      assert.equal(alertsSeen(w, n), 0);
      w.clock.advance(61_000);
      await w.app.cronTick();
      await w.until(() => alertsSeen(w, n) === 1, "the alert delivered on the next tick");
      assert.deepEqual(await storedAlerts(w), []);
      await w.app.cronTick();
      assert.equal(alertsSeen(w, n), 1, "delivered once");
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "admin alerts: one not yet delivered at a stop is delivered after the restart",
  ...sanitize,
  fn: async () => {
    const w = await startWorld({ outboxLimits: { maxAttempts: 4 } });
    try {
      const n = await alertThatFailedOnce(w, "drop");
      w.clock.advance(61_000);
      await w.restart();
      await w.until(() => alertsSeen(w, n) === 1, "the alert delivered after the restart");
      await w.until(async () => (await storedAlerts(w)).length === 0, "and forgotten");
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "admin alerts: an admin who never opened the settings bot does not hold up the others",
  ...sanitize,
  fn: async () => {
    const w = await startWorld({ outboxLimits: { maxAttempts: 4 } });
    try {
      const silent = w.emu.createUser({ firstName: "Silent" });
      await addAdmin(w.kv, silent.id, w.owner.id, w.clock.now());
      await openSettings(w);
      const bob = await w.newClient("Bob", "en");
      const n = await clientOpensTicket(w, bob.id, "Refund", "Where is my refund?");
      failAClientMessage(w, bob.id);
      await w.until(() => alertsSeen(w, n) === 1, "the owner alerted");
      // Telegram refuses a chat the user never started: given up, not retried
      await w.until(async () => (await storedAlerts(w)).length === 0, "nothing left to send");
      assert.throws(() => w.emu.view(silent.id, w.settingsBot.id), /has no chat/);
      w.clock.advance(3_600_000);
      await w.app.cronTick();
      assert.equal(alertsSeen(w, n), 1);
    } finally {
      await w.stop();
    }
  },
});
