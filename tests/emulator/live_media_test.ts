/** Live locations, media replacement and deletions by users, as Telegram does them. */
import strict from "node:assert/strict";

import { api, drain, ok, scenario } from "./helpers.ts";

const assert = (v: unknown, msg?: string) => strict.ok(v, msg);
const assertEquals = (a: unknown, b: unknown, msg?: string) => strict.deepStrictEqual(a, b, msg);
const assertMatch = (s: string, re: RegExp) => strict.match(s, re);

type Msg = Record<string, unknown> & { message_id: number };
type Loc = { latitude: number; longitude: number; live_period?: number };

Deno.test("a user's live location: shared, moved (edited_message), stopped", async () => {
  const { emu, client, clientBot } = await scenario();
  try {
    emu.userStartBot(client.id, clientBot.id);
    await drain(emu, clientBot.token);
    const sent = emu.userSendLiveLocation(client.id, clientBot.id, {
      latitude: 55.75,
      longitude: 37.61,
      livePeriod: 900,
    });
    let ups = await drain(emu, clientBot.token);
    const first = ups[0]!.message as Msg;
    assertEquals((first.location as Loc).live_period, 900);
    emu.userMoveLiveLocation(client.id, clientBot.id, sent.messageId, {
      latitude: 55.76,
      longitude: 37.62,
    });
    ups = await drain(emu, clientBot.token);
    const moved = ups[0]!.edited_message as Msg;
    assertEquals(moved.message_id, sent.messageId);
    assertEquals((moved.location as Loc).latitude, 55.76);
    assertEquals((moved.location as Loc).live_period, 900);
    assert(typeof moved.edit_date === "number");
    emu.userStopLiveLocation(client.id, clientBot.id, sent.messageId);
    ups = await drain(emu, clientBot.token);
    const stopped = ups[0]!.edited_message as Msg;
    assertEquals((stopped.location as Loc).latitude, 55.76);
    assertEquals((stopped.location as Loc).live_period, undefined);
    // a stopped live location can no longer be moved
    let threw = false;
    try {
      emu.userMoveLiveLocation(client.id, clientBot.id, sent.messageId, {
        latitude: 1,
        longitude: 1,
      });
    } catch {
      threw = true;
    }
    assert(threw);
  } finally {
    await emu.close();
  }
});

Deno.test("bot live locations: edit, not modified, stop, then can't be edited", async () => {
  const { emu, client, clientBot } = await scenario();
  try {
    emu.userStartBot(client.id, clientBot.id);
    const t = clientBot.token;
    const sent = await ok<Msg>(emu, t, "sendLocation", {
      chat_id: client.id,
      latitude: 10,
      longitude: 20,
      live_period: 600,
    });
    assertEquals((sent.location as Loc).live_period, 600);
    const bad = await api(emu, t, "sendLocation", {
      chat_id: client.id,
      latitude: 1,
      longitude: 2,
      live_period: 30,
    });
    assertEquals(bad.description, "Bad Request: wrong live location period specified");
    const edited = await ok<Msg>(emu, t, "editMessageLiveLocation", {
      chat_id: client.id,
      message_id: sent.message_id,
      latitude: 11,
      longitude: 21,
    });
    assertEquals((edited.location as Loc).latitude, 11);
    assert(typeof edited.edit_date === "number");
    const same = await api(emu, t, "editMessageLiveLocation", {
      chat_id: client.id,
      message_id: sent.message_id,
      latitude: 11,
      longitude: 21,
    });
    assertMatch(same.description!, /^Bad Request: message is not modified/);
    const view = emu.view(client.id, clientBot.id).find((m) => m.id === sent.message_id)!;
    assertEquals((view.extra!.location as Loc).latitude, 11);
    const stopped = await ok<Msg>(emu, t, "stopMessageLiveLocation", {
      chat_id: client.id,
      message_id: sent.message_id,
    });
    assertEquals((stopped.location as Loc).live_period, undefined);
    for (const method of ["editMessageLiveLocation", "stopMessageLiveLocation"]) {
      const r = await api(emu, t, method, {
        chat_id: client.id,
        message_id: sent.message_id,
        latitude: 12,
        longitude: 22,
      });
      assertEquals(r.description, "Bad Request: message can't be edited", method);
    }
    // a text message has no live location; a static location can't be edited at all
    const text = await ok<Msg>(emu, t, "sendMessage", { chat_id: client.id, text: "hi" });
    const noLive = await api(emu, t, "editMessageLiveLocation", {
      chat_id: client.id,
      message_id: text.message_id,
      latitude: 1,
      longitude: 1,
    });
    assertEquals(
      noLive.description,
      "Bad Request: there is no live location in the message to edit",
    );
  } finally {
    await emu.close();
  }
});

Deno.test("a live location expires with its live_period (scaled Telegram time)", async () => {
  const { emu, client, clientBot } = await scenario({ timeScale: 0.001 });
  try {
    emu.userStartBot(client.id, clientBot.id);
    const sent = await ok<Msg>(emu, clientBot.token, "sendLocation", {
      chat_id: client.id,
      latitude: 10,
      longitude: 20,
      live_period: 60,
    });
    await new Promise((r) => setTimeout(r, 120)); // 60 Telegram s = 60 ms
    const r = await api(emu, clientBot.token, "editMessageLiveLocation", {
      chat_id: client.id,
      message_id: sent.message_id,
      latitude: 11,
      longitude: 21,
    });
    assertEquals(r.description, "Bad Request: message can't be edited");
  } finally {
    await emu.close();
  }
});

Deno.test("a copy of a live location is a static location that can't be edited", async () => {
  const { emu, owner, client, clientBot, group } = await scenario();
  try {
    emu.userStartBot(client.id, clientBot.id);
    const sent = emu.userSendLiveLocation(client.id, clientBot.id, {
      latitude: 1,
      longitude: 2,
      livePeriod: 3600,
    });
    const copy = await ok<{ message_id: number }>(emu, clientBot.token, "copyMessage", {
      chat_id: group.id,
      from_chat_id: client.id,
      message_id: sent.messageId,
    });
    const fwd = await ok<Msg>(emu, clientBot.token, "forwardMessage", {
      chat_id: group.id,
      from_chat_id: client.id,
      message_id: sent.messageId,
    });
    assertEquals((fwd.location as Loc).live_period, undefined);
    const r = await api(emu, clientBot.token, "editMessageLiveLocation", {
      chat_id: group.id,
      message_id: copy.message_id,
      latitude: 3,
      longitude: 4,
    });
    assertEquals(r.description, "Bad Request: message can't be edited");
    // the user's move does not move the copy
    emu.userMoveLiveLocation(client.id, clientBot.id, sent.messageId, {
      latitude: 5,
      longitude: 6,
    });
    const v = emu.view(owner.id, group.id).find((m) => m.id === copy.message_id);
    assertEquals((v?.extra?.location as Loc | undefined)?.latitude, 1);
  } finally {
    await emu.close();
  }
});

Deno.test("a user replaces a photo by a document: edited_message with the bot's file_id", async () => {
  const { emu, client, clientBot, group } = await scenario();
  try {
    emu.userStartBot(client.id, clientBot.id);
    const sent = emu.userSend(client.id, clientBot.id, { photo: {}, caption: "receipt" });
    await drain(emu, clientBot.token);
    emu.userReplaceMedia(client.id, clientBot.id, sent.messageId, {
      document: { fileName: "receipt.pdf" },
      caption: "the right receipt",
    });
    const ups = await drain(emu, clientBot.token);
    const e = ups[0]!.edited_message as Msg;
    assertEquals(e.photo, undefined);
    const doc = e.document as { file_id: string; file_name: string };
    assertEquals(doc.file_name, "receipt.pdf");
    assertEquals(e.caption, "the right receipt");
    // the new file_id is the receiving bot's own: it can send it on
    const copy = await ok<Msg>(emu, clientBot.token, "sendDocument", {
      chat_id: group.id,
      document: doc.file_id,
    });
    assertEquals((copy.document as { file_name: string }).file_name, "receipt.pdf");
  } finally {
    await emu.close();
  }
});

Deno.test("editMessageMedia replaces a bot's media; errors as Telegram's", async () => {
  const { emu, client, clientBot, managerBot } = await scenario();
  try {
    emu.userStartBot(client.id, clientBot.id);
    const t = clientBot.token;
    const photo = await ok<Msg>(emu, t, "sendPhoto", {
      chat_id: client.id,
      photo: "https://example.com/a.jpg",
    });
    const video = await ok<Msg>(emu, t, "sendVideo", {
      chat_id: client.id,
      video: "https://example.com/b.mp4",
    });
    const videoId = (video.video as { file_id: string }).file_id;
    const edited = await ok<Msg>(emu, t, "editMessageMedia", {
      chat_id: client.id,
      message_id: photo.message_id,
      media: { type: "video", media: videoId, caption: "now a video" },
    });
    assertEquals((edited.video as { file_id: string }).file_id, videoId);
    assertEquals(edited.caption, "now a video");
    const same = await api(emu, t, "editMessageMedia", {
      chat_id: client.id,
      message_id: photo.message_id,
      media: { type: "video", media: videoId, caption: "now a video" },
    });
    assertMatch(same.description!, /^Bad Request: message is not modified/);
    const otherBots = await api(emu, managerBot.token, "editMessageMedia", {
      chat_id: client.id,
      message_id: photo.message_id,
      media: { type: "video", media: videoId },
    });
    assert(!otherBots.ok);
    const loc = await ok<Msg>(emu, t, "sendLocation", {
      chat_id: client.id,
      latitude: 1,
      longitude: 2,
    });
    const r = await api(emu, t, "editMessageMedia", {
      chat_id: client.id,
      message_id: loc.message_id,
      media: { type: "video", media: videoId },
    });
    assertEquals(r.description, "Bad Request: message media can't be edited");
    assert(
      emu.view(client.id, clientBot.id).some((m) =>
        m.id === photo.message_id && m.kind === "video"
      ),
    );
  } finally {
    await emu.close();
  }
});

Deno.test("a cleared chat: no update, later edit/copy/forward/reply fail", async () => {
  const { emu, client, clientBot, group } = await scenario();
  try {
    emu.userStartBot(client.id, clientBot.id);
    const t = clientBot.token;
    const mine = emu.userSend(client.id, clientBot.id, { text: "question" });
    const bots = await ok<Msg>(emu, t, "sendMessage", { chat_id: client.id, text: "answer" });
    await drain(emu, t);
    const res = await fetch(`${emu.apiRoot}/_emulator/userClearChat`, {
      method: "POST",
      body: JSON.stringify([client.id, clientBot.id]),
    });
    assertEquals((await res.json()).ok, true);
    assertEquals(await drain(emu, t), []);
    assertEquals(emu.view(client.id, clientBot.id), []);
    const edit = await api(emu, t, "editMessageText", {
      chat_id: client.id,
      message_id: bots.message_id,
      text: "x",
    });
    assertEquals(edit.description, "Bad Request: message to edit not found");
    const copy = await api(emu, t, "copyMessage", {
      chat_id: group.id,
      from_chat_id: client.id,
      message_id: mine.messageId,
    });
    assertEquals(copy.description, "Bad Request: message to copy not found");
    const fwd = await api(emu, t, "forwardMessage", {
      chat_id: group.id,
      from_chat_id: client.id,
      message_id: mine.messageId,
    });
    assertEquals(fwd.description, "Bad Request: message to forward not found");
    const reply = await api(emu, t, "sendMessage", {
      chat_id: client.id,
      text: "re",
      reply_parameters: { message_id: mine.messageId },
    });
    assertEquals(reply.description, "Bad Request: message to be replied not found");
  } finally {
    await emu.close();
  }
});

Deno.test("a group admin deletes a bot's comment, a channel owner a post (memberDelete)", async () => {
  const { emu, owner, client, clientBot, managerBot, channel, group } = await scenario();
  try {
    const comment = await ok<Msg>(emu, managerBot.token, "sendMessage", {
      chat_id: group.id,
      text: "bot comment",
    });
    const post = await ok<Msg>(emu, managerBot.token, "sendMessage", {
      chat_id: channel.id,
      text: "post",
    });
    await new Promise((r) => setTimeout(r, 30)); // the automatic forward of the post
    await drain(emu, managerBot.token);
    emu.setMember(group.id, client.id, { status: "member" });
    let refused = false;
    try {
      emu.memberDelete(client.id, group.id, comment.message_id);
    } catch {
      refused = true;
    }
    assert(refused, "a plain member can't delete others' messages");
    const res = await fetch(`${emu.apiRoot}/_emulator/memberDelete`, {
      method: "POST",
      body: JSON.stringify([owner.id, group.id, comment.message_id]),
    });
    assertEquals((await res.json()).ok, true);
    emu.memberDelete(owner.id, channel.id, post.message_id);
    assertEquals(await drain(emu, managerBot.token), []);
    for (const [chat, id] of [[group.id, comment.message_id], [channel.id, post.message_id]]) {
      const edit = await api(emu, managerBot.token, "editMessageText", {
        chat_id: chat,
        message_id: id,
        text: "edited",
      });
      assertEquals(edit.description, "Bad Request: message to edit not found");
    }
    const reply = await api(emu, clientBot.token, "sendMessage", {
      chat_id: group.id,
      text: "re",
      reply_parameters: { message_id: comment.message_id },
    });
    assertEquals(reply.description, "Bad Request: message to be replied not found");
  } finally {
    await emu.close();
  }
});
