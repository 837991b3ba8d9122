/**
 * Sending: messages, media, albums, locations, contacts, polls, copies and forwards.
 *
 * @module
 */
import { badRequest } from "./errors.ts";
import { LIMITS } from "./rules.ts";
import { type FileKind, type FileRec, type MsgKind, type MsgRec } from "./world.ts";
import { type ApiEnv, type Handler, num, str, type Tools } from "./methods.ts";

/** Registers the handlers of this group in `h`. */
export function messageMethods(h: Map<string, Handler>, t: Tools, env: ApiEnv): void {
  const {
    formatted,
    caption,
    inputFile,
    target,
    limitKind,
    post,
    afterPosts,
    sendResult,
    send,
    mediaSender,
    sourceMessage,
    contentOf,
    originOf,
    copyBody,
    copyOrForwardMany,
    liveOf,
    w,
    KIND_FOR_FIELD,
  } = t;
  h.set("getMe", ({ bot }) => ({
    id: bot.id,
    is_bot: true,
    first_name: bot.firstName,
    username: bot.username,
    can_join_groups: true,
    can_read_all_group_messages: !bot.privacy,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
  }));

  h.set("sendMessage", (c) =>
    send(c, () => {
      const f = formatted(str(c.params.text)!, c.params.parse_mode, c.params.entities, "text");
      return { kind: "text", text: f.text, entities: f.entities };
    }));
  for (const f of Object.keys(KIND_FOR_FIELD)) {
    const name = `send${f.split("_").map((s) => s[0]!.toUpperCase() + s.slice(1)).join("")}`;
    h.set(name, mediaSender(f));
  }
  h.set("sendLocation", (c) =>
    send(c, () => ({
      kind: "location",
      extra: { location: { latitude: c.params.latitude, longitude: c.params.longitude } },
      live: liveOf(c.params),
    })));
  h.set("sendContact", (c) =>
    send(c, () => {
      const ct: Record<string, unknown> = {
        phone_number: c.params.phone_number,
        first_name: c.params.first_name,
      };
      if (c.params.last_name) ct.last_name = c.params.last_name;
      return { kind: "contact", extra: { contact: ct } };
    }));
  h.set("sendPoll", (c) =>
    send(c, () => {
      const opts = c.params.options as { text: string }[];
      if (opts.length < LIMITS.pollOptionsMin || opts.length > LIMITS.pollOptionsMax) {
        throw badRequest("poll must have 2-12 options");
      }
      const poll = {
        id: String(Date.now()) + Math.floor(Math.random() * 1e6),
        question: c.params.question,
        options: opts.map((o, i) => ({ persistent_id: String(i), text: o.text, voter_count: 0 })),
        total_voter_count: 0,
        is_closed: c.params.is_closed === true,
        is_anonymous: c.params.is_anonymous !== false,
        type: c.params.type === "quiz" ? "quiz" : "regular",
        allows_multiple_answers: c.params.allows_multiple_answers === true,
        allows_revoting: true,
        members_only: false,
      };
      return { kind: "poll", extra: { poll } };
    }));

  h.set("sendMediaGroup", (c) => {
    const p = c.params;
    const media = p.media as Record<string, unknown>[];
    if (media.length < LIMITS.mediaGroupMin || media.length > LIMITS.mediaGroupMax) {
      throw badRequest("wrong number of media in the album: must be 2-10");
    }
    const types = new Set(media.map((m) => String(m.type)));
    for (const solo of ["document", "audio"]) {
      if (types.has(solo) && types.size > 1) {
        throw badRequest(`${solo} can't be mixed with other media types`);
      }
    }
    const t = target(c.bot, p, c);
    const bodies = media.map((it) => {
      const kind = String(it.type) as FileKind;
      const meta: Partial<FileRec> = {};
      if (num(it.duration) !== undefined) meta.duration = num(it.duration);
      const body: Partial<MsgRec> = {
        kind: kind as MsgKind,
        file: inputFile(c.bot, it.media, kind, p, meta),
      };
      caption(it, body);
      return body;
    });
    env.limiter.take(c.bot.id, limitKind(t.chat), t.chat.id, bodies.length);
    const group = w.newMediaGroupId();
    const msgs = bodies.map((b) =>
      post(c.bot, t, { ...b, mediaGroupId: group, replyMarkup: undefined }, {
        ...p,
        reply_markup: undefined,
      })
    );
    afterPosts(msgs);
    return msgs.map((m) => sendResult(c.bot, m));
  });

  h.set("copyMessage", (c) => {
    const src = sourceMessage(c.bot, c.params, num(c.params.message_id)!, true);
    const t = target(c.bot, c.params, c);
    const body = copyBody(src, c.params);
    env.limiter.take(c.bot.id, limitKind(t.chat), t.chat.id, 1);
    const m = post(c.bot, t, body, c.params);
    afterPosts([m]);
    return { message_id: m.id };
  });
  h.set("forwardMessage", (c) => {
    const src = sourceMessage(c.bot, c.params, num(c.params.message_id)!, false);
    const t = target(c.bot, c.params, c);
    env.limiter.take(c.bot.id, limitKind(t.chat), t.chat.id, 1);
    const m = post(c.bot, t, {
      ...contentOf(src),
      forwardOrigin: originOf(src),
      replyMarkup: undefined,
    }, c.params);
    afterPosts([m]);
    return sendResult(c.bot, m);
  });
  h.set("copyMessages", (c) => copyOrForwardMany(c, true));
  h.set("forwardMessages", (c) => copyOrForwardMany(c, false));
}
