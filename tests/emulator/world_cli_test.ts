/**
 * `deno task emulator --world <file>` as a newcomer uses it: start it as a subprocess, read
 * the printed summary, drive a tiny plain-fetch bot through the printed API root and play
 * the user through the control surface.
 */
import assert from "node:assert/strict";

const TOKEN = "123456789:AAtestTokenForTheWorldCliTest_0123456";

const WORLD = {
  description: "cli test",
  options: { time_scale: 0.01, limits: true },
  bots: [{ username: "echo_test_bot", name: "Echo", token: TOKEN }],
  users: [{ name: "Tess", username: "tess_t", language_code: "en" }],
  chats: [{ type: "private", user: "tess_t", bot: "echo_test_bot" }],
};

/** Reads the child's stdout until the summary is complete. */
async function readSummary(stdout: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const deadline = Date.now() + 30_000;
  while (!text.includes("Ctrl+C stops")) {
    if (Date.now() > deadline) throw new Error(`no summary in time:\n${text}`);
    const { value, done } = await reader.read();
    if (done) throw new Error(`emulator exited:\n${text}`);
    text += value;
  }
  reader.releaseLock();
  // keep draining so the child never blocks on a full pipe
  void stdout.pipeTo(new WritableStream()).catch(() => {});
  return text;
}

Deno.test("deno task emulator --world: a plain-fetch bot talks to a user played over HTTP", async () => {
  const file = await Deno.makeTempFile({ suffix: ".json" });
  await Deno.writeTextFile(file, JSON.stringify(WORLD));
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      "--allow-read",
      "scripts/emulator.ts",
      "--world",
      file,
      "--port",
      "0",
    ],
    cwd: new URL("../../", import.meta.url),
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    const summary = await readSummary(child.stdout);
    const apiRoot = /Bot API root: +(http:\/\/127\.0\.0\.1:\d+)/.exec(summary)?.[1];
    assert.ok(apiRoot, summary);
    const token = /token: (\S+)/.exec(summary)?.[1];
    assert.equal(token, TOKEN);
    assert.ok(summary.includes(`new Bot("${TOKEN}", { client: { apiRoot: "${apiRoot}" } })`));
    assert.match(summary, /Time scale: 0\.01 real s per Telegram s; rate limits on/);
    const userId = Number(/^ {2}(\d+) {2}Tess @tess_t$/m.exec(summary)?.[1]);
    assert.ok(userId > 0, summary);
    const botId = 123456789;

    const api = async (method: string, params: Record<string, unknown> = {}) => {
      const r = await fetch(`${apiRoot}/bot${token}/${method}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(params),
      }).then((r) => r.json());
      assert.equal(r.ok, true, `${method}: ${JSON.stringify(r)}`);
      return r.result;
    };
    const control = async (name: string, args: unknown[]) => {
      const r = await fetch(`${apiRoot}/_emulator/${name}`, {
        method: "POST",
        body: JSON.stringify(args),
      }).then((r) => r.json());
      assert.equal(r.ok, true, `${name}: ${JSON.stringify(r)}`);
      return r.result;
    };
    let offset = 0;
    const nextUpdate = async (kind: string) => {
      for (;;) {
        const ups = await api("getUpdates", { offset, timeout: 100 });
        for (const u of ups) {
          offset = u.update_id + 1;
          if (u[kind]) return u[kind];
        }
      }
    };

    const me = await api("getMe");
    assert.equal(me.id, botId);
    assert.equal(me.username, "echo_test_bot");

    // the started private chat: the bot may write first
    await api("sendMessage", { chat_id: userId, text: "Hello from the bot" });

    // the user sends a command through the control surface; the bot long-polls it
    const sent = await control("userSend", [userId, botId, { text: "/start" }]);
    const msg = await nextUpdate("message");
    assert.equal(msg.text, "/start");
    assert.equal(msg.from.id, userId);
    assert.equal(msg.from.language_code, "en");
    assert.equal(msg.message_id, sent.messageId);
    assert.equal(msg.entities[0].type, "bot_command");

    const reply = await api("sendMessage", {
      chat_id: msg.chat.id,
      text: "Pick one",
      reply_markup: { inline_keyboard: [[{ text: "Yes", callback_data: "yes" }]] },
    });

    // the user presses the button; the bot answers the callback query
    const queryId = await control("userPressButton", [userId, botId, reply.message_id, "yes"]);
    const q = await nextUpdate("callback_query");
    assert.equal(q.id, queryId);
    assert.equal(q.data, "yes");
    await api("answerCallbackQuery", { callback_query_id: q.id, text: "Noted" });
    assert.equal((await control("callbackAnswer", [queryId])).text, "Noted");

    // the user edits, sends a photo and a document, deletes a message
    await control("userEdit", [userId, botId, sent.messageId, "/start again"]);
    assert.equal((await nextUpdate("edited_message")).text, "/start again");
    await control("userSend", [userId, botId, { photo: {}, caption: "a photo" }]);
    const photo = await nextUpdate("message");
    assert.equal(photo.caption, "a photo");
    assert.equal(photo.photo.length, 3);
    const doc = await control("userSend", [userId, botId, {
      document: { fileName: "order.pdf", mimeType: "application/pdf", sizeBytes: 2048 },
    }]);
    assert.equal((await nextUpdate("message")).document.file_name, "order.pdf");
    await control("userDelete", [userId, botId, doc.messageId]);

    // everything the bot sent reached the user's view
    const view = await control("view", [userId, botId]);
    const texts = view.map((m: { text?: string; caption?: string }) => m.text ?? m.caption);
    assert.deepEqual(texts, ["Hello from the bot", "/start again", "Pick one", "a photo"]);
    assert.equal(view[2].sender.type, "bot");
    assert.deepEqual(view[2].replyMarkup, {
      inline_keyboard: [[{ text: "Yes", callback_data: "yes" }]],
    });
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await Deno.remove(file);
  }
});

Deno.test("deno task emulator --world: a bad world file stops with one sentence", async () => {
  const file = await Deno.makeTempFile({ suffix: ".json" });
  await Deno.writeTextFile(
    file,
    JSON.stringify({ bots: [{ username: "a_bot" }, { username: "helper" }] }),
  );
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net", "--allow-read", "scripts/emulator.ts", "--world", file],
      cwd: new URL("../../", import.meta.url),
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 1);
    const err = new TextDecoder().decode(out.stderr).trim();
    assert.equal(err, `Cannot load ${file}: bots[1].username must end in "bot"`);
  } finally {
    await Deno.remove(file);
  }
});
