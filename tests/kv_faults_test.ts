/**
 * Storage that fails under the service: a write refused between two steps of one message
 * (as a kill or a full disk would), a record that fails every time, a corrupted inbox.
 */
import assert from "node:assert/strict";
import { Api } from "grammy";
import { listHeld } from "../src/storage/drafts.ts";
import { listSetAside, saveIntake } from "../src/storage/intake.ts";
import { K } from "../src/storage/keys.ts";
import { getClient } from "../src/storage/people.ts";
import { faultyKv } from "./faulty_kv.ts";
import { clientOpensTicket, managerSays, startWorld } from "./harness.ts";

Deno.test("a client's first message is kept when the write after its processed mark fails", async () => {
  let faults!: ReturnType<typeof faultyKv>;
  const w = await startWorld({
    wrapKv: (kv) => (faults = faultyKv(kv)).kv,
  });
  try {
    const alice = await w.newClient("Alice");
    // the write that keeps the message fails once, as a kill or a full disk would stop it
    faults.failWrites((k) => k[0] === "held", 1);
    w.emu.userSend(alice.id, w.clientBot.id, { text: "My parcel never arrived" });
    await w.until(
      () => w.clientView(alice.id).some((m) => !m.outgoing && /тему|topic/i.test(m.text ?? "")),
      "the topic question",
    );
    assert.equal(faults.failed, 1, "the fault was hit");
    const held = await listHeld(w.kv, alice.id);
    assert.equal(held.length, 1, "the message is kept");
    assert.equal(held[0]!.message.text, "My parcel never arrived");

    // and it reaches the managers once the topic is given
    w.emu.userSend(alice.id, w.clientBot.id, { text: "Delivery" });
    let n = 0;
    await w.until(async () => {
      n = (await getClient(w.kv, alice.id))?.currentTicket ?? 0;
      return n > 0;
    }, "the ticket");
    await w.until(
      async () => (await w.thread(n)).some((m) => m.text?.includes("My parcel never arrived")),
      "the message in the thread",
    );
  } finally {
    await w.stop();
  }
});

Deno.test("an update that fails every time is set aside with its reason; its chat goes on", async () => {
  let faults!: ReturnType<typeof faultyKv>;
  const w = await startWorld({ wrapKv: (kv) => (faults = faultyKv(kv)).kv });
  try {
    const alice = await w.newClient("Alice");
    // every write of Alice's held messages fails: that update can never be handled
    faults.failWrites((k) => k[0] === "held", 1_000, "database or disk is full");
    w.emu.userSend(alice.id, w.clientBot.id, { text: "first" });
    await w.until(() => w.setAside.length === 1, "the update set aside");
    const rec = w.setAside[0]!;
    assert.equal(rec.bot, "client");
    assert.match(rec.reason, /disk is full/);
    assert.equal(rec.attempts, 4);
    assert.match(rec.raw, /"first"/);
    const stored = await listSetAside(w.kv, "client");
    assert.equal(stored.length, 1);
    assert.equal(stored[0]!.updateId, rec.updateId);
    assert.equal((await w.kv.get(K.intake("client", rec.updateId))).versionstamp, null);

    // the disk has room again: the same chat's next message is handled
    faults.clear();
    w.emu.userSend(alice.id, w.clientBot.id, { text: "second" });
    await w.until(
      () => w.clientView(alice.id).some((m) => !m.outgoing && /тему|topic/i.test(m.text ?? "")),
      "the topic question after the set-aside update",
    );
    assert.deepEqual((await listHeld(w.kv, alice.id)).map((h) => h.message.text), ["second"]);
  } finally {
    await w.stop();
  }
});

Deno.test("a corrupted inbox record is set aside at start; the updates around it are handled", async () => {
  const w = await startWorld({
    beforeStart: async (kv) => {
      // left by a crash or a bad disk: a head without its parts, and a value that is no update
      await kv.set(K.intake("client", 7), { parts: 3 });
      await kv.set(K.intake("client", 8), "garbage");
      await saveIntake(kv, "client", []);
    },
  });
  try {
    await w.until(() => w.setAside.length === 2, "both records set aside");
    assert.deepEqual(w.setAside.map((r) => r.updateId).sort(), [7, 8]);
    assert.ok(w.setAside.every((r) => r.reason.startsWith("corrupted record")));
    assert.equal((await w.kv.get(K.intake("client", 7))).versionstamp, null);
    // and the bot works: a new client is greeted
    await w.newClient("Bob");
  } finally {
    await w.stop();
  }
});

Deno.test("a KV refusing to keep received updates is waited out, told once, and nothing is lost", async () => {
  let faults!: ReturnType<typeof faultyKv>;
  // every batch kept at once, as one not handled in time is
  const w = await startWorld({ wrapKv: (kv) => (faults = faultyKv(kv)).kv, keepAfterMs: 0 });
  try {
    const alice = await w.newClient("Alice");
    faults.failWrites((k) => k[0] === "intake", 1_000_000, "database or disk is full");
    w.emu.userSend(alice.id, w.clientBot.id, { text: "Is anyone there?" });
    await w.until(() => faults.failed >= 2, "the write refused and retried");
    assert.equal(w.storage.length, 0, "a brief refusal is not news");
    // a minute and more of refusals
    w.clock.advance(61_000);
    await w.until(() => w.storage.length === 1, "the admins told");
    const told = w.storage[0]!;
    assert.equal(told.resolved, false);
    assert.equal(told.bot, "client");
    assert.match(told.reason, /disk is full/);
    const failedSoFar = faults.failed;
    await w.until(() => faults.failed > failedSoFar + 1, "still retrying");
    assert.equal(w.storage.length, 1, "told once, not once per attempt");
    const api = new Api(w.clientBot.token, { apiRoot: w.emu.apiRoot });
    assert.equal(
      (await api.getWebhookInfo()).pending_update_count,
      1,
      "its offset is not confirmed before it is stored",
    );

    faults.clear();
    await w.until(() => w.storage.length === 2, "the end of the trouble told", 30_000);
    assert.equal(w.storage[1]!.resolved, true);
    await w.until(
      () => w.clientView(alice.id).some((m) => !m.outgoing && /тему|topic/i.test(m.text ?? "")),
      "the message handled",
      30_000,
    );
    await w.until(
      async () => (await api.getWebhookInfo()).pending_update_count === 0,
      "its offset confirmed once stored",
    );
    assert.equal(
      w.clientView(alice.id).filter((m) => !m.outgoing && /тему|topic/i.test(m.text ?? "")).length,
      1,
      "handled once",
    );
    assert.deepEqual((await listHeld(w.kv, alice.id)).map((h) => h.message.text), [
      "Is anyone there?",
    ]);
  } finally {
    await w.stop();
  }
});

Deno.test("a refused outbox write stops nothing: the lane is resumed and the message delivered", async () => {
  let faults!: ReturnType<typeof faultyKv>;
  const w = await startWorld({ wrapKv: (kv) => (faults = faultyKv(kv)).kv });
  try {
    const alice = await w.newClient("Alice");
    const n = await clientOpensTicket(w, alice.id, "Оплата", "Деньги не пришли");
    // the record of a delivered answer cannot be written: a full disk at the worst moment
    faults.failWrites((k) => k[0] === "outbox", 3, "database or disk is full");
    await managerSays(w, w.managers[0]!.id, n, { text: "Проверяем" });
    await w.until(() => faults.failed >= 1, "the write refused");
    faults.clear();
    // the minute job resumes every lane (main.ts runs it in both modes)
    await w.deps.outbox.resume();
    await w.until(
      () => w.clientView(alice.id).some((m) => m.text?.endsWith("Проверяем")),
      "the answer delivered",
    );
    await w.until(async () => {
      for await (const _ of w.kv.list({ prefix: ["outbox", n] })) return false;
      return true;
    }, "the lane emptied");
    const copies = w.clientView(alice.id).filter((m) => m.text?.endsWith("Проверяем")).length;
    assert.ok(copies >= 1 && copies <= 2, `${copies} copies: at least once, at most one repeat`);
  } finally {
    await w.stop();
  }
});
