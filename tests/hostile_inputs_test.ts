/**
 * A table of hostile and odd inputs through all three bots: strangers in every bot, forged
 * and replayed callback data (another ticket's ids included), every content kind, oversize
 * texts and captions, bidi and zero-width characters, emoji-only and empty names, tokens in
 * every position. Each gets a clear answer, changes nothing it should not, crashes nothing.
 */
import assert from "node:assert/strict";
import type { UserContent } from "../src/emulator/emulator.ts";
import { getSettings } from "../src/storage/settings.ts";
import { getTicket, ticketsByClient } from "../src/storage/tickets.ts";
import { listManagers } from "../src/storage/people.ts";
import { listHeld } from "../src/storage/drafts.ts";
import { runningSettings, startSettingsWorld } from "./settings_harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

const TOKEN = "7000000999:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
/** Texts nobody planned for. */
const ODD_TEXTS = [
  "/start",
  "/menu",
  "/status",
  "/stop",
  "/open",
  "/close 1",
  "/take 1",
  "/transfer 1 @nobody",
  "/ticket 99999999999999999999",
  "/reply 1 x",
  "hello",
  "\u202Eevil\u202C",
  "\u200B\u200B\u200B",
  "👍👍👍",
  "x".repeat(4096),
  "<b>unclosed",
  "*bold _nested*",
  "@everyone",
  "-1001234567890",
  "https://t.me/somechannel",
  TOKEN,
  `my token is ${TOKEN} ok`,
  `${TOKEN}\n${TOKEN}`,
  "\u0000\u0007\u001b[31m",
  "'; DROP TABLE tickets; --",
  "{{constructor}}__proto__",
];
/** Callback data a forger might send. */
const FORGED = [
  "",
  "x",
  "s:",
  "s:stop:client",
  "s:mgr_rm:1",
  "s:ch:-1009999",
  "s:ch_yes:-1009999",
  "s:open",
  "s:close",
  "p:close:1",
  "p:take:1",
  "p:reopen:1",
  "p:close:-1",
  "p:close:abc",
  "p:close:1e308",
  "c:rate:1:5",
  "c:rate:1:99",
  "c:held_reopen:1",
  "c:current:1",
  "c:close:1",
  "d:act:close:1",
  "d:transfer:1:1",
  "__proto__",
  "😀".repeat(16),
];
const CONTENT: UserContent[] = [
  { photo: {}, caption: "x".repeat(1024) },
  { video: {} },
  { animation: {} },
  { audio: {} },
  { voice: {} },
  { video_note: {} },
  { document: { fileName: "\u202Egpj.exe" } },
  { sticker: {} },
  { location: { latitude: 0, longitude: 0 } },
  { contact: { phone_number: "+0", first_name: "\u202E" } },
  { poll: { question: "?", options: ["a", "b"] } },
];

Deno.test({
  name: "hostile and odd inputs through all three bots: a clear answer, nothing changed, no crash",
  ...sanitize,
  fn: async () => {
    const w = await startSettingsWorld({ readyChats: true, settings: runningSettings });
    const { emu } = w;
    try {
      // a customer with an open ticket: the target of the forged ids
      const alice = emu.createUser({ firstName: "Alice", languageCode: "en" });
      emu.userStartBot(alice.id, w.client.id);
      emu.userSend(alice.id, w.client.id, { text: "/new" });
      await emu.waitForMessage(alice.id, w.client.id, (m) => /topic/i.test(m.text ?? ""));
      emu.userSend(alice.id, w.client.id, { text: "Refund" });
      await emu.waitForMessage(alice.id, w.client.id, (m) => /describe/.test(m.text ?? ""));
      emu.userSend(alice.id, w.client.id, { text: "Money please" });
      await w.until(async () => (await ticketsByClient(w.kv, alice.id)).length === 1, "ticket");
      const n = (await ticketsByClient(w.kv, alice.id))[0]!.number;
      const snapshot = async () =>
        JSON.stringify({
          s: await getSettings(w.kv),
          t: await getTicket(w.kv, n),
          m: await listManagers(w.kv),
        });
      const before = await snapshot();

      const names = [
        { firstName: "Stan" },
        { firstName: "\u202Enats" },
        { firstName: "\u200B" },
        { firstName: "🤡🤡" },
        { firstName: "x".repeat(64), lastName: "y".repeat(64) },
      ];
      let cases = 0;
      const answered: Array<() => boolean> = [];
      for (const [i, name] of names.entries()) {
        const s = emu.createUser({ ...name, languageCode: i % 2 ? "ru" : "de" });
        for (const bot of [w.settingsBot, w.manager]) {
          emu.userStartBot(s.id, bot.id);
          await w.until(() => emu.view(s.id, bot.id).some((m) => !m.outgoing), "a first answer");
          const anchor = emu.view(s.id, bot.id).find((m) => !m.outgoing)!.id;
          for (const text of ODD_TEXTS.slice(i * 5, i * 5 + 6)) {
            emu.userSend(s.id, bot.id, { text });
            cases++;
          }
          for (const data of FORGED.slice(i * 5, i * 5 + 5)) {
            const q = emu.userPressButton(s.id, bot.id, anchor, data, { forged: true });
            answered.push(() => emu.callbackAnswer(q) !== undefined);
            cases++;
          }
        }
        // strangers pressing the post's buttons and the customer's own forged data
        const post = (await getTicket(w.kv, n))!.postId!;
        emu.setMember(w.channelId, s.id, { status: "member" });
        for (const data of ["p:close", "p:take", "p:reopen"].map((a) => `${a}:${n}`)) {
          const q = emu.userPressButton(s.id, w.channelId, post, data, { forged: true });
          answered.push(() => emu.callbackAnswer(q) !== undefined);
          cases++;
        }
      }
      // another customer: every content kind before any ticket, and forged data naming
      // Alice's ticket (#1, the ids in FORGED)
      const bob = emu.createUser({ firstName: "Bob", languageCode: "en" });
      emu.userStartBot(bob.id, w.client.id);
      await w.until(() => emu.view(bob.id, w.client.id).some((m) => !m.outgoing), "greeting");
      for (const c of CONTENT) {
        emu.userSend(bob.id, w.client.id, c);
        cases++;
      }
      const his = emu.view(bob.id, w.client.id).find((m) => !m.outgoing)!.id;
      for (const data of FORGED) {
        const q = emu.userPressButton(bob.id, w.client.id, his, data, { forged: true });
        answered.push(() => emu.callbackAnswer(q) !== undefined);
        cases++;
      }
      assert.ok(cases >= 100, `${cases} cases`);

      await w.until(() => answered.every((a) => a()), "every button press answered", 30_000);
      // every stranger was told who the bots are for
      for (
        const u of [...emu.world.users.values()].filter((u) => u.id > alice.id && u.id < bob.id)
      ) {
        for (const bot of [w.settingsBot, w.manager]) {
          const got = emu.view(u.id, bot.id).filter((m) => !m.outgoing).map((m) => m.text ?? "");
          assert.ok(
            got.some((t) => /admins only|managers only|только для/i.test(t)),
            `a stranger in @${bot.username} is told: ${got.slice(0, 2).join(" | ")}`,
          );
        }
      }
      // Bob's messages are all kept for the ticket he is asked to open
      await w.until(
        async () => (await listHeld(w.kv, bob.id)).length === CONTENT.length,
        "every kind kept",
      );
      assert.ok(
        emu.view(bob.id, w.client.id).some((m) => !m.outgoing && /topic/i.test(m.text ?? "")),
        "Bob is asked for a topic",
      );
      const after = JSON.parse(await snapshot());
      const was = JSON.parse(before);
      assert.deepEqual(after.s, was.s, "settings unchanged");
      assert.deepEqual(after.m, was.m, "managers unchanged");
      assert.equal(after.t.status, was.t.status, "the ticket's status unchanged");
      assert.equal(after.t.managerId, was.t.managerId);
      assert.equal(after.t.ratings.length, 0, "no forged rating");
      const crashes = w.logs.filter((l) => /update failed|unhandled|uncaught/i.test(l));
      assert.deepEqual(crashes, [], "no handler failed");
      assert.ok(!w.logs.some((l) => l.includes(TOKEN)), "no token in the logs");
    } finally {
      await w.stop();
    }
  },
});
