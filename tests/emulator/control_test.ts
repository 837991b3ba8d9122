import assert from "node:assert/strict";
import schema from "../../src/emulator/schema.json" with { type: "json" };
import { buildSchema } from "../../scripts/gen_schema.ts";
import { ok, scenario } from "./helpers.ts";

type Field = { name: string; types: string[]; required: boolean };
const types = (schema as unknown as { types: Record<string, { fields?: Field[] }> }).types;

/** Checks required fields of a Bot API type recursively (objects named in the schema). */
function conforms(value: unknown, type: string, path = type): string[] {
  const t = types[type];
  if (!t?.fields || typeof value !== "object" || value === null) return [];
  const v = value as Record<string, unknown>;
  const errs: string[] = [];
  for (const f of t.fields) {
    if (f.required && v[f.name] === undefined) errs.push(`${path}.${f.name} missing`);
    const inner = f.types[0]!;
    if (v[f.name] !== undefined && types[inner]?.fields) {
      errs.push(...conforms(v[f.name], inner, `${path}.${f.name}`));
    }
  }
  return errs;
}

Deno.test("HTTP control surface drives the same world", async () => {
  const { emu, client, clientBot } = await scenario();
  try {
    const post = (name: string, args: unknown[]) =>
      fetch(`${emu.apiRoot}/_emulator/${name}`, { method: "POST", body: JSON.stringify(args) })
        .then((r) => r.json());
    const u = await post("createUser", [{ firstName: "Http" }]);
    assert.equal(u.ok, true);
    const sent = await post("userSend", [u.result.id, clientBot.id, { text: "hi over http" }]);
    assert.equal(sent.ok, true);
    const view = await post("view", [u.result.id, clientBot.id]);
    assert.equal(view.result[0].text, "hi over http");
    assert.equal((await post("nope", [])).ok, false);
    assert.equal((await post("userSend", [u.result.id, 1, { text: "x" }])).ok, false);
    void client;
  } finally {
    await emu.close();
  }
});

Deno.test("rendered objects carry every required field of the reference", async () => {
  const { emu, client, clientBot, managerBot, channel, group } = await scenario({
    autoForwardDelay: "before-return",
  });
  try {
    emu.userSend(client.id, clientBot.id, { photo: {}, caption: "p" });
    emu.userSendAlbum(client.id, clientBot.id, [{ video: {} }, {
      document: { fileName: "a.pdf" },
    }]);
    for (const c of [{ voice: {} }, { audio: {} }, { animation: {} }, { video_note: {} }]) {
      emu.userSend(client.id, clientBot.id, c);
    }
    emu.userSend(client.id, clientBot.id, { sticker: { emoji: "🙂" } });
    emu.userSend(client.id, clientBot.id, { poll: { question: "q", options: ["a", "b"] } });
    emu.userSend(client.id, clientBot.id, { location: { latitude: 1, longitude: 2 } });
    emu.userSend(client.id, clientBot.id, { contact: { phone_number: "1", first_name: "C" } });
    await ok(emu, managerBot.token, "sendMessage", { chat_id: channel.id, text: "post" });
    const ups = [
      ...await ok<Record<string, unknown>[]>(emu, clientBot.token, "getUpdates"),
    ];
    assert.ok(ups.length >= 12);
    for (const u of ups) assert.deepEqual(conforms(u, "Update"), []);
    for (const [m, t] of [["getChat", "ChatFullInfo"], ["getChatMember", "ChatMember"]] as const) {
      const r = await ok(emu, clientBot.token, m, { chat_id: group.id, user_id: clientBot.id });
      assert.deepEqual(conforms(r, t === "ChatMember" ? "ChatMemberAdministrator" : t), []);
    }
    assert.deepEqual(conforms(await ok(emu, clientBot.token, "getMe"), "User"), []);
    assert.deepEqual(conforms(await ok(emu, clientBot.token, "getWebhookInfo"), "WebhookInfo"), []);
  } finally {
    await emu.close();
  }
});

Deno.test("committed schema.json matches the generator output", async () => {
  let src: string;
  try {
    src = await Deno.readTextFile(
      new URL("../../../shared/telegram/bot-api.json", import.meta.url),
    );
  } catch {
    return; // a fresh clone has no ../shared: the committed schema is used as is
  }
  assert.deepEqual(buildSchema(JSON.parse(src)), schema);
});
