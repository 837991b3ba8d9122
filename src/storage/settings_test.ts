import assert from "node:assert/strict";
import { applyBootstrap, getSettings, listSettingsChanges, updateSettings } from "./settings.ts";

const TOKEN_A = "111:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const TOKEN_B = "222:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

Deno.test("settings: bootstrap fills empty settings only; the admin's value wins", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    let s = await applyBootstrap(kv, { clientBotToken: TOKEN_A, channelId: -1001 }, 1);
    assert.equal(s.clientBotToken, TOKEN_A);
    assert.equal(s.channelId, -1001);
    await updateSettings(kv, 7, 2, () => ({ clientBotToken: TOKEN_B, channelId: -1002 }));
    s = await applyBootstrap(kv, { clientBotToken: TOKEN_A, channelId: -1001 }, 3);
    assert.equal(s.clientBotToken, TOKEN_B);
    assert.equal(s.channelId, -1002);
    assert.equal((await getSettings(kv)).clientBotToken, TOKEN_B);
  } finally {
    kv.close();
  }
});

Deno.test("settings: every change is logged with who and when, tokens never in the log", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await updateSettings(kv, 7, 10, () => ({ managerBotToken: TOKEN_A, topics: ["A", "B"] }));
    await updateSettings(kv, 8, 20, () => ({ topics: ["A", "B"] })); // no change, no log
    const log = await listSettingsChanges(kv);
    assert.equal(log.length, 1);
    assert.equal(log[0]?.by, 7);
    assert.deepEqual(log[0]?.fields.sort(), ["managerBotToken", "topics"]);
    assert.ok(!JSON.stringify(log).includes(TOKEN_A));
  } finally {
    kv.close();
  }
});

Deno.test("settings: desks are read as stored when whole, and none are trusted when not", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    assert.deepEqual((await getSettings(kv)).desks, [], "no desks on a fresh install");
    const desk = { id: 1, channelId: -1003, groupId: -1004, title: "Sales", topics: ["A"] };
    await updateSettings(kv, 7, 1, () => ({ desks: [desk], deskSeq: 1 }));
    assert.deepEqual((await getSettings(kv)).desks, [desk]);
    // a record damaged outside the service (a desk without its group): read as no desks
    const stored = (await kv.get<Record<string, unknown>>(["settings"])).value!;
    await kv.set(["settings"], { ...stored, desks: [{ id: 1, channelId: -1003 }] });
    assert.deepEqual((await updateSettings(kv, 7, 2, () => ({}))).desks, []);
  } finally {
    kv.close();
  }
});

Deno.test("settings: ready answers of an older record (held in it) are read, and moved apart on the next change", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    // as an older version stored them: inside the settings record
    await kv.set(["settings"], {
      topics: ["A", "B"],
      faq: { A: "answer A", B: "answer B" },
      faqLocal: { B: { en: "answer B in English" } },
    });
    let s = await getSettings(kv);
    assert.deepEqual(s.faq, { A: "answer A", B: "answer B" });
    assert.deepEqual(s.faqLocal, { B: { en: "answer B in English" } });
    // a change of something else moves them apart, nothing lost
    s = await updateSettings(kv, 7, 10, () => ({ quietDays: 3 }));
    const record = (await kv.get<Record<string, unknown>>(["settings"])).value!;
    assert.ok(record);
    assert.equal("faq" in record, false);
    assert.equal("faqLocal" in record, false);
    assert.deepEqual((await kv.get(["settings_faq", "B"])).value, {
      faq: "answer B",
      local: { en: "answer B in English" },
    });
    assert.deepEqual(s.faq, { A: "answer A", B: "answer B" });
    // removing a topic's answers removes its record
    await updateSettings(kv, 7, 20, (c) => {
      const { A: _a, ...faq } = c.faq;
      return { faq };
    });
    assert.equal((await kv.get(["settings_faq", "A"])).versionstamp, null);
    assert.deepEqual((await getSettings(kv)).faq, { B: "answer B" });
  } finally {
    kv.close();
  }
});
