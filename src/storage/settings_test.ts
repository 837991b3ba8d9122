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
