/**
 * Issue 12: a parameter a method does not have is never acted on (Telegram ignores it) and is
 * recorded as an anomaly; message_thread_id outside a forum is dropped, as Telegram does.
 */
import assert from "node:assert/strict";
import { api, ok, scenario } from "./helpers.ts";

/** A channel post, its thread root in the linked group and a comment in that thread. */
async function thread() {
  const s = await scenario({ autoForwardDelay: "before-return" });
  const post = await ok<{ message_id: number }>(s.emu, s.clientBot.token, "sendMessage", {
    chat_id: s.channel.id,
    text: "Ticket #1",
  });
  const root = s.emu.threadRootOf(s.channel.id, post.message_id)!;
  const comment = s.emu.userComment(s.owner.id, s.channel.id, post.message_id, { text: "q" });
  return { ...s, root, comment };
}

Deno.test("copyMessages ignores reply_parameters: the copies land outside the thread", async () => {
  const { emu, owner, clientBot, group, root, comment } = await thread();
  try {
    emu.clearAnomalies();
    const ids = await ok<{ message_id: number }[]>(emu, clientBot.token, "copyMessages", {
      chat_id: group.id,
      from_chat_id: group.id,
      message_ids: [comment.messageId],
      reply_parameters: { message_id: root.messageId },
    });
    const copy = emu.view(owner.id, group.id).find((m) => m.id === ids[0]!.message_id)!;
    assert.equal(copy.threadId, undefined);
    assert.equal(copy.replyTo, undefined);
    assert.deepEqual(emu.anomalies(), [{
      method: "copyMessages",
      botId: clientBot.id,
      kind: "ignored_parameter",
      field: "reply_parameters",
    }]);
  } finally {
    await emu.close();
  }
});

Deno.test("message_thread_id in a supergroup without topics: sent outside the thread", async () => {
  const { emu, clientBot, group, root } = await thread();
  try {
    emu.clearAnomalies();
    const m = await ok(emu, clientBot.token, "sendMessage", {
      chat_id: group.id,
      text: "answer",
      message_thread_id: root.messageId,
    });
    assert.equal(m.message_thread_id, undefined);
    assert.equal(emu.threadView(group.id, root.messageId).some((v) => v.text === "answer"), false);
    assert.deepEqual(emu.anomalies(), [{
      method: "sendMessage",
      botId: clientBot.id,
      kind: "thread_id_outside_forum",
      field: "message_thread_id",
    }]);
    // the reply is what puts a message into a comment thread, with no anomaly
    emu.clearAnomalies();
    const r = await ok(emu, clientBot.token, "sendMessage", {
      chat_id: group.id,
      text: "reply",
      reply_parameters: { message_id: root.messageId },
    });
    assert.equal(r.message_thread_id, root.messageId);
    assert.deepEqual(emu.anomalies(), []);
  } finally {
    await emu.close();
  }
});

Deno.test("message_thread_id in a forum still selects the topic, with no anomaly", async () => {
  const { emu, owner, clientBot } = await scenario();
  try {
    const forum = emu.createGroup({ title: "Forum", ownerId: owner.id, forum: true });
    emu.setMember(forum.id, clientBot.id, { status: "administrator" });
    const topic = emu.userSend(owner.id, forum.id, { text: "topic" });
    emu.clearAnomalies();
    const m = await ok(emu, clientBot.token, "sendMessage", {
      chat_id: forum.id,
      text: "in topic",
      message_thread_id: topic.messageId,
    });
    assert.equal(m.message_thread_id, topic.messageId);
    const bad = await api(emu, clientBot.token, "sendMessage", {
      chat_id: forum.id,
      text: "x",
      message_thread_id: 9999,
    });
    assert.equal(bad.description, "Bad Request: message thread not found");
    assert.deepEqual(emu.anomalies(), []);
  } finally {
    await emu.close();
  }
});

Deno.test("unknown parameters are not acted on and are recorded, nested ones too", async () => {
  const { emu, clientBot, client } = await scenario();
  try {
    emu.userStartBot(client.id, clientBot.id);
    const src = await ok<{ message_id: number }>(emu, clientBot.token, "sendMessage", {
      chat_id: client.id,
      text: "hello",
    });
    emu.clearAnomalies();
    // forwardMessage has no reply_markup: Telegram forwards without buttons
    const fwd = await ok(emu, clientBot.token, "forwardMessage", {
      chat_id: client.id,
      from_chat_id: client.id,
      message_id: src.message_id,
      reply_markup: { inline_keyboard: [[{ text: "Go", callback_data: "go" }]] },
    });
    assert.equal(fwd.reply_markup, undefined);
    await ok(emu, clientBot.token, "sendMessage", {
      chat_id: client.id,
      text: "x",
      colour: "red",
      reply_parameters: { message_id: src.message_id, colour: "blue" },
    });
    assert.deepEqual(emu.anomalies().map((a) => `${a.method} ${a.kind} ${a.field}`), [
      "forwardMessage ignored_parameter reply_markup",
      "sendMessage ignored_parameter colour",
      "sendMessage ignored_parameter reply_parameters.colour",
    ]);
    // the call log keeps what was sent
    assert.deepEqual(emu.calls(clientBot.id).at(-1)?.unknownFields, [
      "colour",
      "reply_parameters.colour",
    ]);
  } finally {
    await emu.close();
  }
});

Deno.test("deprecated parameters the server still reads keep working, no anomaly", async () => {
  const { emu, clientBot, client } = await scenario();
  try {
    emu.userStartBot(client.id, clientBot.id);
    const src = await ok<{ message_id: number }>(emu, clientBot.token, "sendMessage", {
      chat_id: client.id,
      text: "hello",
    });
    emu.clearAnomalies();
    const r = await ok<{ reply_to_message?: { message_id: number } }>(
      emu,
      clientBot.token,
      "sendMessage",
      {
        chat_id: client.id,
        text: "re",
        reply_to_message_id: src.message_id,
        disable_web_page_preview: true,
      },
    );
    assert.equal(r.reply_to_message?.message_id, src.message_id);
    const missing = await api(emu, clientBot.token, "sendMessage", {
      chat_id: client.id,
      text: "re",
      reply_to_message_id: 9999,
    });
    assert.equal(missing.description, "Bad Request: message to be replied not found");
    await ok(emu, clientBot.token, "sendMessage", {
      chat_id: client.id,
      text: "re",
      reply_to_message_id: 9999,
      allow_sending_without_reply: true,
    });
    assert.deepEqual(emu.anomalies(), []);
    // copyMessages reads no reply parameters at all: there it is ignored
    await ok(emu, clientBot.token, "copyMessages", {
      chat_id: client.id,
      from_chat_id: client.id,
      message_ids: [src.message_id],
      reply_to_message_id: src.message_id,
    });
    assert.deepEqual(emu.anomalies().map((a) => a.field), ["reply_to_message_id"]);
  } finally {
    await emu.close();
  }
});

Deno.test("anomalies and clearAnomalies over the HTTP control surface", async () => {
  const { emu, clientBot, group } = await scenario();
  try {
    emu.clearAnomalies();
    await ok(emu, clientBot.token, "sendMessage", { chat_id: group.id, text: "x", colour: 1 });
    const control = async (name: string) => {
      const res = await fetch(`${emu.apiRoot}/_emulator/${name}`, { method: "POST", body: "[]" });
      return await res.json();
    };
    assert.deepEqual(await control("anomalies"), {
      ok: true,
      result: [{
        method: "sendMessage",
        botId: clientBot.id,
        kind: "ignored_parameter",
        field: "colour",
      }],
    });
    assert.deepEqual(await control("clearAnomalies"), { ok: true, result: true });
    assert.deepEqual(await control("anomalies"), { ok: true, result: [] });
  } finally {
    await emu.close();
  }
});

Deno.test("setWebhook: only ports 80, 88, 443 and 8443 unless webhookPorts is any", async () => {
  const { emu, clientBot } = await scenario();
  try {
    const set = (url: string) => api(emu, clientBot.token, "setWebhook", { url });
    assert.equal(
      (await set("https://127.0.0.1:8080/hook")).description,
      "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443",
    );
    assert.equal(
      (await set("http://127.0.0.1:8443/hook")).description,
      "Bad Request: bad webhook: An HTTPS URL must be provided for webhook",
    );
    for (const url of ["https://127.0.0.1/hook", "https://127.0.0.1:8443/hook"]) {
      assert.equal((await set(url)).ok, true, url);
      await ok(emu, clientBot.token, "deleteWebhook");
    }
  } finally {
    await emu.close();
  }
  const any = await scenario({ webhookPorts: "any" });
  try {
    const r = await api(any.emu, any.clientBot.token, "setWebhook", {
      url: "http://127.0.0.1:1/hook",
    });
    assert.equal(r.ok, true);
    await ok(any.emu, any.clientBot.token, "deleteWebhook");
  } finally {
    await any.emu.close();
  }
});

Deno.test("a multipart file named by attach:// is a file, not an ignored parameter", async () => {
  const { emu, clientBot, client } = await scenario();
  try {
    emu.userStartBot(client.id, clientBot.id);
    emu.clearAnomalies();
    const form = new FormData();
    form.set("chat_id", String(client.id));
    form.set("document", "attach://f1");
    form.set("f1", new Blob([new Uint8Array(10)]), "a.bin");
    const res = await fetch(`${emu.apiRoot}/bot${clientBot.token}/sendDocument`, {
      method: "POST",
      body: form,
    });
    const a = await res.json();
    assert.equal(a.ok, true, a.description);
    assert.equal(a.result.document.file_size, 10);
    assert.deepEqual(emu.anomalies(), []);
  } finally {
    await emu.close();
  }
});
