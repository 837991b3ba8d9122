import assert from "node:assert/strict";
import example from "../../docs/examples/world.json" with { type: "json" };
import helpdesk from "../../scripts/worlds/helpdesk.json" with { type: "json" };
import { startEmulator } from "./emulator.ts";
import {
  applyWorld,
  formatSummary,
  loadWorldFile,
  parseWorld,
  WorldFileError,
} from "./world_file.ts";

const base = () => ({
  bots: [{ username: "shop_bot" }],
  users: [{ name: "Ann", username: "ann_a" }],
  chats: [] as unknown[],
});

function err(data: unknown): string {
  try {
    parseWorld(data, "world.json");
  } catch (e) {
    assert.ok(e instanceof WorldFileError);
    return e.message;
  }
  throw new Error("expected an error");
}

Deno.test("world file: the shipped examples are valid", () => {
  assert.equal(parseWorld(example).bots.length, 2);
  assert.equal(parseWorld(helpdesk).chats.length, 2);
});

Deno.test("world file: one sentence naming the bad field", () => {
  const cases: [unknown, string][] = [
    [
      { bots: [{ username: "shop_bot" }, { username: "shop_two" }] },
      'bots[1].username must end in "bot"',
    ],
    [{ bots: [{ username: "ab_bot", nme: "x" }] }, 'bots[0] has an unknown field "nme"'],
    [{ bots: [{}] }, "bots[0].username is required"],
    [{ bots: [{ username: 5 }] }, "bots[0].username must be a string"],
    [{ bots: [{ username: "1shop_bot" }] }, "bots[0].username must be 5-32 letters"],
    [
      { bots: [{ username: "shop_bot", token: "abc" }] },
      'bots[0].token must look like "<id>:<secret>"',
    ],
    [
      { bots: [{ username: "a_bot", token: "12:x" }, { username: "b_bot", token: "12:y" }] },
      "bots[1].token has the bot id 12 of bots[0]",
    ],
    [{ users: [{ name: "" }] }, "users[0].name must not be empty"],
    [{ users: [{ name: "A", language_code: "English" }] }, "users[0].language_code must be"],
    [
      { ...base(), users: [{ name: "A", username: "shop_bot" }] },
      'users[0].username "shop_bot" is already taken by bots[0]',
    ],
    [{ options: { port: 70000 } }, "options.port must be at most 65535"],
    [{ options: { time_scale: 0 } }, "options.time_scale must be"],
    [{ options: { limits: "no" } }, "options.limits must be a boolean"],
    [{ bots: {} }, "bots must be an array"],
    [[], "the file must be an object"],
    [
      { ...base(), chats: [{ type: "group", title: "G" }] },
      'chats[0].type "group" is not emulated',
    ],
    [{ ...base(), chats: [{ title: "G" }] }, "chats[0].type is required"],
    [
      { ...base(), chats: [{ type: "chat" }] },
      'chats[0].type must be "private", "supergroup" or "channel"',
    ],
    [{ ...base(), chats: [{ type: "supergroup" }] }, "chats[0].title is required"],
    [
      { ...base(), chats: [{ type: "supergroup", title: "G", owner: "bob" }] },
      'chats[0].owner "bob" is not',
    ],
    [
      { bots: [{ username: "shop_bot" }], chats: [{ type: "channel", title: "C" }] },
      "chats[0].owner is required",
    ],
    [
      { ...base(), chats: [{ type: "supergroup", title: "G", members: { zed: "member" } }] },
      'chats[0].members["zed"] is not the username of a bot or user',
    ],
    [
      { ...base(), chats: [{ type: "supergroup", title: "G", members: { ann_a: "member" } }] },
      'chats[0].members["ann_a"] is the owner of the chat already',
    ],
    [
      { ...base(), chats: [{ type: "channel", title: "C", members: { shop_bot: "member" } }] },
      'chats[0].members["shop_bot"] is a bot: bots can only be admins of channels',
    ],
    [
      { ...base(), chats: [{ type: "supergroup", title: "G", members: { shop_bot: "owner" } }] },
      'chats[0].members["shop_bot"] must be "admin", "member", "kicked"',
    ],
    [
      { ...base(), chats: [{ type: "channel", title: "C", discussion: "Nope" }] },
      'chats[0].discussion "Nope" must name exactly one supergroup',
    ],
    [
      {
        ...base(),
        chats: [
          { type: "channel", title: "C1", discussion: "G" },
          { type: "channel", title: "C2", discussion: "G" },
          { type: "supergroup", title: "G" },
        ],
      },
      'chats[1].discussion "G" is already linked to chats[0]',
    ],
    [
      { ...base(), chats: [{ type: "private", user: "ann_a", bot: "nobody_bot" }] },
      'chats[0].bot "nobody_bot"',
    ],
  ];
  for (const [data, want] of cases) {
    const msg = err(data);
    assert.ok(msg.startsWith(`Cannot load world.json: ${want}`), `${msg}\n  wanted: ${want}`);
  }
});

Deno.test("world file: loadWorldFile reports a missing file and bad JSON", async () => {
  await assert.rejects(
    loadWorldFile("/nonexistent/w.json"),
    /Cannot load \/nonexistent\/w.json: no such file/,
  );
  const p = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(p, "{ bots: [] }");
    await assert.rejects(loadWorldFile(p), /not valid JSON/);
    await Deno.writeTextFile(p, JSON.stringify(example));
    assert.equal((await loadWorldFile(p)).users.length, 3);
  } finally {
    await Deno.remove(p);
  }
});

Deno.test("world file: applyWorld builds the world it describes", async () => {
  const emu = await startEmulator({ limits: false });
  try {
    const w = applyWorld(emu, parseWorld(example));
    const shop = w.bots[0]!;
    assert.equal(shop.token, "7000000100:AAFixedSecretSoMyConfigNeverChanges00");
    assert.equal(shop.id, 7000000100);
    const me = await fetch(`${emu.apiRoot}/bot${shop.token}/getMe`).then((r) => r.json());
    assert.equal(me.result.id, 7000000100);
    assert.equal(me.result.username, "my_shop_bot");
    assert.equal(emu.world.bots.get(w.bots[1]!.id)!.privacy, false);

    const [pc, forum, channel, discussion] = w.chats;
    const bob = w.users[1]!;
    assert.equal(emu.world.users.get(bob.id)!.languageCode, "de");
    // the started private chat lets the bot write first
    assert.equal(pc!.id, bob.id);
    const sent = await fetch(`${emu.apiRoot}/bot${shop.token}/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ chat_id: bob.id, text: "welcome" }),
    }).then((r) => r.json());
    assert.equal(sent.ok, true, JSON.stringify(sent));
    assert.equal(emu.view(bob.id, shop.id)[0]!.text, "welcome");

    assert.equal(emu.world.chats.get(forum!.id)!.isForum, true);
    assert.equal(emu.world.chats.get(forum!.id)!.username, "shop_support");
    const helper = emu.world.chats.get(forum!.id)!.members.get(w.bots[1]!.id)!;
    assert.equal(helper.status, "administrator");
    assert.equal(helper.rights!.can_delete_messages, false);
    assert.equal(emu.world.chats.get(channel!.id)!.linkedChatId, discussion!.id);
    assert.equal(emu.world.chats.get(discussion!.id)!.linkedChatId, channel!.id);
    assert.equal(emu.world.chats.get(channel!.id)!.ownerId, w.users[0]!.id);

    const text = formatSummary(w, { apiRoot: emu.apiRoot, timeScale: 1, limits: false });
    assert.match(text, new RegExp(`Bot API root: +${emu.apiRoot}`));
    assert.ok(text.includes(`new Bot("${shop.token}", { client: { apiRoot: "${emu.apiRoot}" } })`));
    assert.ok(text.includes(`base_url("${emu.apiRoot}/bot")`));
    assert.ok(
      text.includes(`/_emulator/userSend -d '[${bob.id}, ${shop.id}, {"text": "/start"}]'`),
    );
  } finally {
    await emu.close();
  }
});

Deno.test("world file: a fixed token's id must be free and well formed", async () => {
  const emu = await startEmulator();
  try {
    assert.throws(() => emu.createBot({ username: "x_bot", token: "nope" }), /<id>:<secret>/);
    emu.createBot({ username: "a_bot", token: "42:abc" });
    assert.throws(() => emu.createBot({ username: "b_bot", token: "42:def" }), /already used/);
  } finally {
    await emu.close();
  }
});
