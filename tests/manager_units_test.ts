import assert from "node:assert/strict";
import { managerEn } from "../src/i18n/manager_en.ts";
import { managerRu } from "../src/i18n/manager_ru.ts";
import { mayTouch } from "../src/services/desk/access.ts";
import { type DeskButton, deskButton, parseDeskButton } from "../src/services/callback_data.ts";
import { escapeHtml, formatWait, threadLink } from "../src/services/desk/format.ts";
import { paginate } from "../src/services/desk/lists.ts";
import { renderHistory } from "../src/services/desk/history.ts";
import { newTicket } from "../src/domain/ticket.ts";

Deno.test("manager i18n: ru and en have the same keys and placeholders, no empty text", () => {
  assert.deepEqual(Object.keys(managerEn).sort(), Object.keys(managerRu).sort());
  for (const key of Object.keys(managerRu) as Array<keyof typeof managerRu>) {
    const ph = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    assert.deepEqual(ph(managerEn[key]), ph(managerRu[key]), key);
    assert.ok(managerRu[key].trim() && managerEn[key].trim(), key);
  }
});

Deno.test("manager callback data: round trip, under 64 bytes, forged data refused", () => {
  const all: DeskButton[] = [
    { type: "list", view: "late", page: 12 },
    { type: "card", ticket: 7 },
    { type: "act", act: "reopen", ticket: 1_999_999_999 },
    { type: "history", ticket: 3 },
    { type: "pick", ticket: 3 },
    { type: "transfer", ticket: 3, to: 9_007_199_254_740_991 },
    { type: "clients", page: 0 },
    { type: "client", act: "unblock", client: 100000001 },
    { type: "canned", ticket: 1_999_999_999, name: "a".repeat(24) },
    { type: "mute", kind: "low_rating" },
  ];
  for (const b of all) {
    const data = deskButton(b);
    assert.ok(new TextEncoder().encode(data).length <= 64, data);
    assert.deepEqual(parseDeskButton(data), b);
  }
  for (
    const bad of [
      "m:t:0",
      "m:t:-1",
      "m:t:1.5",
      "m:t:1e3",
      "m:t: 1",
      "m:t:1:2",
      "m:a:delete:1",
      "m:l:all:-1",
      "m:l:any:0",
      "m:k:1:Hello",
      "m:k:1:../x",
      "m:s:everything",
      "m:x:1",
      "p:take:1",
      "m:t:" + "9".repeat(70),
    ]
  ) assert.equal(parseDeskButton(bad), null, bad);
});

Deno.test("manager access: managers touch unassigned or own tickets; admins any", () => {
  const { ticket } = newTicket({ number: 1, topic: "x", clientId: 5, createdAt: 0 });
  const mine = { ...ticket, managerId: 10 };
  assert.ok(mayTouch({ role: "manager", id: 11 }, ticket));
  assert.ok(mayTouch({ role: "manager", id: 10 }, mine));
  assert.ok(!mayTouch({ role: "manager", id: 11 }, mine));
  assert.ok(mayTouch({ role: "admin", id: 11 }, mine));
  assert.ok(!mayTouch({ role: "client", id: 5 }, mine));
});

Deno.test("manager format: links, waiting time, escaping, pages", () => {
  assert.equal(threadLink(-1001234567890, 55), "https://t.me/c/1234567890/55?thread=55");
  assert.equal(threadLink(-1001234567890, null), null);
  // a basic group (no -100) has no t.me/c/ links: the desk and the report follow one rule
  assert.equal(threadLink(-42, 55), null);
  assert.equal(formatWait("ru", 0), "0 мин");
  assert.equal(formatWait("ru", 2 * 3_600_000 + 5 * 60_000), "2 ч 5 мин");
  assert.equal(formatWait("en", 3 * 86_400_000 + 4 * 3_600_000 + 60_000), "3 d 4 h");
  assert.equal(escapeHtml(`<a href="x">&</a>`), "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
  const items = Array.from({ length: 61 }, (_, i) => i);
  assert.deepEqual(paginate(items, 6).items, [60]);
  assert.equal(paginate(items, 99).page, 6);
  assert.equal(paginate([], 3).pages, 1);
});

Deno.test("manager history: rendering escapes every user value", () => {
  const html = renderHistory({
    lang: "en",
    number: 1,
    topic: "</title><script>",
    status: "open",
    client: {
      id: 5,
      firstName: "<img src=x>",
      lang: "en",
      createdAt: 0,
      currentTicket: 1,
      blocked: null,
      unreachable: false,
    },
    clientId: 5,
    managers: new Map(),
    messages: [{
      ticket: 1,
      seq: 2,
      at: 0,
      direction: "in",
      senderId: 5,
      kind: "document",
      text: "a & b",
      fileName: "<x>.pdf",
      source: { chatId: 5, messageId: 1 },
      delivery: "sent",
    }],
    events: [{ type: "created", at: 0, actor: { role: "client", id: 5 } }],
    time: () => "t",
    timeZone: "UTC",
    generated: "now",
  });
  assert.ok(!/<script>|<img|<x>/.test(html));
  assert.match(html, /&lt;\/title&gt;&lt;script&gt;/);
  assert.match(html, /a &amp; b/);
  assert.match(html, /📎 document &lt;x&gt;\.pdf/);
});
