/**
 * A topic button names its topic, not only its place: the list of topics may change between
 * the moment a keyboard is drawn and the press (an admin reorders, renames or removes topics
 * while a customer is choosing, or in another chat with the settings bot). A press then acts on
 * the topic it showed, or says that topic is gone; never on whichever topic took its place.
 */
import assert from "node:assert/strict";
import { buttonData } from "./harness.ts";
import { getSettings } from "../src/storage/settings.ts";
import { getClient } from "../src/storage/people.ts";
import { getTicket } from "../src/storage/tickets.ts";
import { topicMark, topicOfButton } from "../src/domain/settings.ts";
import {
  customerAsksTopics,
  runningSettings,
  type SettingsWorld,
  startSettingsWorld,
} from "./settings_harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };
const TOPICS = ["Payment", "Delivery", "Returns"];

async function world(): Promise<SettingsWorld> {
  return await startSettingsWorld({
    readyChats: true,
    settings: (x) => ({ ...runningSettings(x), topics: [...TOPICS], teamLang: "en" }),
    ownerLang: "en",
  });
}

/** The owner opens the topics screen; returns that message. */
async function topicsScreen(w: SettingsWorld) {
  let at = (await w.menu()).id;
  at = w.mark();
  w.press("s:topics");
  return await w.waitFor(/1\. /, at);
}

Deno.test("topicOfButton: the topic at its place, or where it moved, or none once gone", () => {
  const m = topicMark("Delivery");
  assert.match(m, /^[0-9a-z]{1,7}$/);
  assert.notEqual(m, topicMark("Payment"));
  assert.equal(topicOfButton(TOPICS, 1, m), "Delivery");
  assert.equal(topicOfButton(["Delivery", "Payment"], 1, m), "Delivery");
  assert.equal(topicOfButton(["Payment", "Shipping"], 1, m), undefined);
  // a button drawn before buttons carried a mark: its place, as then
  assert.equal(topicOfButton(["Payment", "Shipping"], 1, undefined), "Shipping");
});

Deno.test({
  name: "client bot: a topic pressed after an admin moved it opens the ticket on that topic",
  ...sanitize,
  fn: async () => {
    const w = await world();
    const { emu } = w;
    try {
      const { user: alice, choose } = await customerAsksTopics(w, "Alice");
      const delivery = buttonData(choose, "c:topic:1");
      // meanwhile the owner moves Delivery to the top: "Payment" is at place 1 now
      await topicsScreen(w);
      const at = w.mark();
      w.press("s:top_up:1");
      await w.waitFor(/1\. Delivery/, at);
      assert.deepEqual((await getSettings(w.kv)).topics, ["Delivery", "Payment", "Returns"]);

      emu.userPressButton(alice.id, w.client.id, choose.id, delivery);
      await emu.waitForMessage(
        alice.id,
        w.client.id,
        (m) => /^Topic: Delivery\./.test(m.text ?? ""),
      );
      emu.userSend(alice.id, w.client.id, { text: "Where is my parcel?" });
      let n = 0;
      await w.until(
        async () => (n = (await getClient(w.kv, alice.id))?.currentTicket ?? 0) > 0,
        "ticket",
      );
      const ticket = await getTicket(w.kv, n);
      assert.ok(ticket);
      assert.equal(ticket.topic, "Delivery");
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name:
    "client bot: a topic removed since the buttons were drawn is told, and the topics asked again",
  ...sanitize,
  fn: async () => {
    const w = await world();
    const { emu } = w;
    try {
      const { user: bob, choose } = await customerAsksTopics(w, "Bob");
      const returns = buttonData(choose, "c:topic:2");
      await topicsScreen(w);
      const at = w.mark();
      w.press("s:top_rm:2");
      await w.until(async () => (await getSettings(w.kv)).topics.length === 2, "removal");

      const query = emu.userPressButton(bob.id, w.client.id, choose.id, returns);
      await w.until(() => emu.callbackAnswer(query) !== undefined, "the answer");
      assert.match(String(emu.callbackAnswer(query)?.text), /no longer offered/);
      const again = await emu.waitForMessage(
        bob.id,
        w.client.id,
        (m) => m.id > choose.id && /Choose the topic/.test(m.text ?? ""),
      );
      const offered = JSON.stringify(again.replyMarkup);
      assert.match(offered, /"text":"Payment"/);
      assert.doesNotMatch(offered, /Returns/);
      // no ticket was opened on a topic that took the removed one's place
      assert.equal((await getClient(w.kv, bob.id))?.currentTicket ?? null, null);
      void at;
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "settings bot: buttons of an older topics screen act on the topic they showed",
  ...sanitize,
  fn: async () => {
    const w = await world();
    const { emu } = w;
    try {
      const old = await topicsScreen(w);
      // on a newer screen the owner moves Returns up: Delivery is at place 2 now
      await topicsScreen(w);
      let at = w.mark();
      w.press("s:top_up:2");
      await w.waitFor(/2\. Returns/, at);
      assert.deepEqual((await getSettings(w.kv)).topics, ["Payment", "Returns", "Delivery"]);

      // the old screen's 🗑 of place 1 was drawn for Delivery: Delivery goes, Returns stays
      at = w.mark();
      emu.userPressButton(w.owner.id, w.settingsBot.id, old.id, buttonData(old, "s:top_rm:1"));
      await w.until(async () => (await getSettings(w.kv)).topics.length === 2, "removal");
      assert.deepEqual((await getSettings(w.kv)).topics, ["Payment", "Returns"]);

      // the old screen's ✏️ of place 0 (Payment), then Payment is removed (its 🗑 on the same
      // old screen) before the new name is typed: nothing is renamed nor added
      at = w.mark();
      emu.userPressButton(w.owner.id, w.settingsBot.id, old.id, buttonData(old, "s:top_ren:0"));
      await w.waitFor(/Payment/, at);
      emu.userPressButton(w.owner.id, w.settingsBot.id, old.id, buttonData(old, "s:top_rm:0"));
      await w.until(async () => (await getSettings(w.kv)).topics.length === 1, "removal");
      at = w.mark();
      w.send("Billing");
      await w.waitFor(/out of date/, at);
      assert.deepEqual((await getSettings(w.kv)).topics, ["Returns"]);
    } finally {
      await w.stop();
    }
  },
});
