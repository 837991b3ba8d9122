import assert from "node:assert/strict";
import { buttonData } from "./harness.ts";
import { getClient } from "../src/storage/people.ts";
import { getSettings, listSettingsChanges } from "../src/storage/settings.ts";
import { ticketsByClient } from "../src/storage/tickets.ts";
import {
  customerAsksTopics,
  kvDump,
  runningSettings,
  startSettingsWorld,
} from "./settings_harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name:
    "settings: working time, topics and texts take effect at once and are logged; privacy export and delete",
  ...sanitize,
  fn: async () => {
    const w = await startSettingsWorld({
      readyChats: true,
      settings: runningSettings,
    });
    const { emu } = w;
    const step = async (press: string | null, text: string | null, expect: RegExp) => {
      const at = w.mark();
      if (press) w.press(press);
      if (text !== null) w.send(text);
      return await w.waitFor(expect, at);
    };
    try {
      await step(null, "/menu", /open/);
      await step("s:hours", null, /Working time\nTime zone: Europe\/Moscow/);
      await step("s:set:react", "15", /Add a unit/);
      await step(null, "2h", /Saved/);
      await step("s:set:week", "mon-fri 25:00-18:00", /Wrong time/);
      await step(null, "mon-fri 09:00-18:00; sat 10-14", /Saved/);
      await step("s:set:tz", "Mars/Base", /Unknown time zone/);
      await step(null, "UTC+3", /Saved/);
      await step("s:set:hol", "2026-02-30", /no such date/);
      await step(null, "2026-12-31 2027-01-01", /Saved/);
      await step("s:set:hol", "-2027-01-01", /Saved/);
      await step("s:set:warn", "150%", /out of the allowed range/);
      const view = await step(null, "75%", /Warn at: 75%/);
      assert.match(view.text!, /Hours: mon-fri 09:00-18:00; sat 10:00-14:00/);
      await step("s:set:closet", "1d", /Close target: 1d/);
      const s = await getSettings(w.kv);
      assert.equal(s.reactionTargetMs, 2 * 3_600_000);
      assert.equal(s.timeZone, "Etc/GMT-3");
      assert.deepEqual(s.holidays, ["2026-12-31"]);
      assert.equal(s.warnShare, 0.75);
      assert.deepEqual(s.week["6"], [[600, 840]]);
      const log = await listSettingsChanges(w.kv);
      assert.ok(log.some((c) => c.by === w.owner.id && c.fields.includes("warnShare")));

      // topics: add, rename, move up, remove; clients see them at once
      await step("s:menu", null, /open/);
      await step("s:topics", null, /No topics/);
      await step("s:top_add", "Billing", /1\. Billing/);
      await step("s:top_add", "Delivery", /2\. Delivery/);
      await step("s:top_add", "billing", /already exists/);
      await step(null, "Returns", /3\. Returns/);
      await step("s:top_ren:1", "Shipping", /2\. Shipping/);
      await step("s:top_up:2", null, /2\. Returns\n3\. Shipping/);
      const topics = await step("s:top_rm:0", null, /1\. Returns\n2\. Shipping/);
      assert.doesNotMatch(topics.text!, /Billing/);
      const { user: alice, choose } = await customerAsksTopics(w, "Alice", { username: "alice" });
      assert.match(JSON.stringify(choose.replyMarkup), /Returns.*Shipping/);
      const rows = (choose.replyMarkup as { inline_keyboard: unknown[][] }).inline_keyboard;
      assert.deepEqual(rows.map((r) => r.length), [1, 1], "one topic per row, no empty row");

      // texts: a custom English greeting reaches the next client's /start
      await step("s:texts", null, /Texts for clients/);
      await step("s:text:greeting:en", "Hi from Acme support!", /Saved/);
      const bob = emu.createUser({ firstName: "Bob", languageCode: "en" });
      emu.userStartBot(bob.id, w.client.id);
      await emu.waitForMessage(bob.id, w.client.id, (m) => m.text === "Hi from Acme support!");

      // privacy: Alice opens a ticket, then asks for her data and for its deletion
      emu.userPressButton(alice.id, w.client.id, choose.id, buttonData(choose, "c:topic:0"));
      await emu.waitForMessage(alice.id, w.client.id, (m) => /describe/.test(m.text ?? ""));
      emu.userSend(alice.id, w.client.id, { text: "My secret address is 1 Main St" });
      let n = 0;
      await w.until(async () => {
        n = (await ticketsByClient(w.kv, alice.id))[0]?.number ?? 0;
        return n > 0 && (await kvDump(w.kv)).some((r) => r.includes("1 Main St"));
      }, "the ticket");
      await step(
        "s:clients",
        "@alice",
        new RegExp(`Client: Alice @alice \\(id ${alice.id}\\)\\nTickets: #${n}`),
      );
      let at = w.mark();
      w.press(`s:cl_exp:${alice.id}`);
      await w.until(() => w.view().some((m) => m.id > at && m.kind === "document"), "the export");
      const doc = w.view().find((m) => m.id > at && m.kind === "document")!;
      assert.equal(doc.fileName, `client-${alice.id}.json`);
      await step(`s:cl_del:${alice.id}`, null, /cannot be undone/);
      at = w.mark();
      w.press(`s:cl_del_ok:${alice.id}`);
      await w.waitFor(new RegExp(`Client ${alice.id}'s data deleted \\(1 ticket\\)`), at);
      assert.equal(await getClient(w.kv, alice.id), null);
      await w.app.deps.outbox.idle();
      const rest = await kvDump(w.kv);
      assert.ok(!rest.some((r) => r.includes("1 Main St")), "no message text left");
      assert.ok(!rest.some((r) => r.startsWith(`["ticket",${n}]`)));
      assert.ok(!rest.some((r) => r.startsWith(`["by_client",${alice.id}`)));
      assert.ok(!rest.some((r) => r.startsWith(`["message",${n}`)));
      assert.ok(!rest.some((r) => r.startsWith(`["by_status"`) && r.includes(`,${n}]`)));
    } finally {
      await w.stop();
    }
  },
});
