/**
 * Bot API method handlers over the world model. Each handler gets already validated and
 * coerced parameters (see schema.ts) and returns the `result` or throws ApiError.
 */
import type { AnomalyKind } from "./anomalies.ts";
import { ApiError, badRequest, E, forbidden } from "./errors.ts";
import { cleanFormatted, type Entity, parseFormatted, withAutoEntities } from "./entities.ts";
import { Clock, LIMITS, RateLimiter } from "./rules.ts";
import type { Timers } from "./updates.ts";
import {
  type AdminRights,
  type BotRec,
  type ChatRec,
  type FileKind,
  type FileRec,
  makeRights,
  type MemberStatus,
  type MsgKind,
  type MsgRec,
  TELEGRAM_USER_ID,
  type World,
} from "./world.ts";

/** When the automatic forward of a channel post appears in the linked group. */
export type AutoForwardDelay = { min: number; max: number } | "before-return";

/** Context of one call. */
export interface CallCtx {
  bot: BotRec;
  params: Record<string, unknown>;
  signal?: AbortSignal;
  /** records an anomaly of this call (see anomalies.ts) */
  anomaly?: (kind: AnomalyKind, field: string) => void;
}

/** A method handler. */
export type Handler = (c: CallCtx) => unknown;

/** Shared state the handlers need beyond the world. */
export interface ApiEnv {
  world: World;
  limiter: RateLimiter;
  clock: Clock;
  timers: Timers;
  autoForwardDelay: () => AutoForwardDelay;
  /** "any" lets setWebhook accept any port and plain http to loopback (EmulatorOptions) */
  webhookPorts?: "telegram" | "any";
}

const te = new TextEncoder();
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
const isActive = (s: MemberStatus) =>
  s === "creator" || s === "administrator" || s === "member" || s === "restricted";
/** live_period of a location that can be updated forever (Bot API sendLocation). */
const LIVE_FOREVER = 0x7FFFFFFF;
/**
 * Content tdlib refuses to copy (MessageContent.cpp can_forward_message_content with is_copy:
 * Giveaway, GiveawayWinners, PaidMedia, Invoice); forwarding them is allowed.
 */
const UNCOPYABLE: ReadonlySet<MsgKind> = new Set(["paid_media", "giveaway", "invoice"]);
const chatWord = (c: ChatRec) => (c.type === "channel" ? "channel chat" : "supergroup chat");

/** The handler table plus the channel side effects the control surface reuses. */
export interface Api {
  handlers: Map<string, Handler>;
  /** schedules the automatic forwards of new channel posts into the linked group */
  afterPosts: (msgs: MsgRec[]) => void;
}

/** Builds the handler table. */
export function makeHandlers(env: ApiEnv): Api {
  const w = env.world;

  // ---------- chat access ----------

  function findChat(bot: BotRec, chatId: unknown): ChatRec {
    if (typeof chatId === "string") {
      if (!chatId.startsWith("@")) throw badRequest(E.chatNotFound);
      const c = w.chatsByUsername.get(chatId.slice(1).toLowerCase());
      if (!c) throw badRequest(E.chatNotFound);
      return c;
    }
    const id = num(chatId)!;
    if (id > 0) {
      if (w.bots.has(id)) throw forbidden("bot can't send messages to bots");
      if (!w.users.has(id)) throw badRequest(E.chatNotFound);
      const pc = w.privateChat(id, bot.id);
      if (!pc || !pc.started) throw badRequest(E.chatNotFound);
      return pc;
    }
    const c = w.chats.get(id);
    if (!c) throw badRequest(E.chatNotFound);
    return c;
  }

  /** The chat a bot may read from (getChat, copy source...). */
  function chatToRead(bot: BotRec, chatId: unknown): ChatRec {
    const c = findChat(bot, chatId);
    if (c.type === "private") return c;
    const st = w.memberStatus(c, bot.id).status;
    if (st === "kicked") throw forbidden(`bot was kicked from the ${chatWord(c)}`);
    if (!isActive(st) && !c.username) throw badRequest(E.chatNotFound);
    return c;
  }

  /** The chat a bot may send to, with Telegram's 403s. */
  function chatToSend(bot: BotRec, chatId: unknown): ChatRec {
    if (typeof chatId === "number" && chatId > 0 && w.users.has(chatId)) {
      const pc = w.privateChat(chatId, bot.id);
      if (!pc || !pc.started) throw forbidden(E.cantInitiate);
      if (pc.blocked) throw forbidden(E.blocked);
      return pc;
    }
    const c = findChat(bot, chatId);
    if (c.type === "private") return c;
    const mem = w.memberStatus(c, bot.id);
    if (mem.status === "kicked") throw forbidden(`bot was kicked from the ${chatWord(c)}`);
    if (!isActive(mem.status)) throw forbidden(`bot is not a member of the ${chatWord(c)}`);
    if (c.type === "channel" && !canPost(c, bot.id)) {
      throw badRequest("need administrator rights in the channel chat");
    }
    return c;
  }

  function rights(c: ChatRec, id: number): AdminRights | undefined {
    const m = w.memberStatus(c, id);
    if (m.status === "creator") return makeRights(c.type, { can_promote_members: true });
    if (m.status === "administrator") return m.rights ?? makeRights(c.type);
    return undefined;
  }
  function canPost(c: ChatRec, id: number): boolean {
    return rights(c, id)?.can_post_messages === true;
  }
  function needRight(c: ChatRec, bot: BotRec, right: keyof AdminRights): void {
    if (!rights(c, bot.id)?.[right]) throw badRequest(`not enough rights`);
  }

  // ---------- content ----------

  function formatted(
    text: string,
    mode: unknown,
    entities: unknown,
    kind: "text" | "caption",
  ): { text: string; entities: Entity[] } {
    if (kind === "text" && text === "") throw badRequest(E.textEmpty);
    const p = cleanFormatted(parseFormatted(text, mode, entities));
    const len = p.text.length;
    if (kind === "text") {
      if (len === 0) throw badRequest(E.textBlank);
      if (len > LIMITS.textMax) throw badRequest(E.textTooLong);
    } else if (len > LIMITS.captionMax) throw badRequest(E.captionTooLong);
    return { text: p.text, entities: withAutoEntities(p.text, p.entities) };
  }

  function caption(p: Record<string, unknown>, into: Partial<MsgRec>): void {
    const c = str(p.caption);
    if (c === undefined) return;
    const f = formatted(c, p.parse_mode, p.caption_entities, "caption");
    if (f.text.length === 0) return;
    into.caption = f.text;
    into.captionEntities = f.entities;
  }

  /** Validates and normalises reply_markup; only inline keyboards are kept on messages. */
  function markup(v: unknown): unknown {
    if (!v || typeof v !== "object") return undefined;
    const kb = (v as { inline_keyboard?: unknown }).inline_keyboard;
    if (!Array.isArray(kb)) return undefined;
    for (const row of kb) {
      for (const b of row as Record<string, unknown>[]) {
        const actions = Object.keys(b).filter((k) =>
          k !== "text" && k !== "style" && k !== "icon_custom_emoji_id"
        );
        if (actions.length !== 1) {
          throw badRequest(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
          );
        }
        if (typeof b.callback_data === "string") {
          const n = te.encode(b.callback_data).length;
          if (n < 1 || n > LIMITS.callbackDataMaxBytes) throw badRequest(E.buttonDataInvalid);
        }
      }
    }
    return kb.length ? { inline_keyboard: kb } : undefined;
  }

  const KIND_FOR_FIELD: Record<string, FileKind> = {
    photo: "photo",
    video: "video",
    animation: "animation",
    audio: "audio",
    voice: "voice",
    video_note: "video_note",
    document: "document",
    sticker: "sticker",
  };

  /** Resolves an InputFile or String (file_id / URL / attach://) to a file. */
  function inputFile(
    bot: BotRec,
    v: unknown,
    kind: FileKind,
    p: Record<string, unknown>,
    meta: Partial<FileRec> = {},
  ): FileRec {
    if (typeof v === "string" && v.startsWith("attach://")) v = p[v.slice(9)];
    if (v instanceof Blob) {
      if (v.size > LIMITS.uploadMaxBytes) throw new ApiError(413, "Request Entity Too Large");
      const name = v instanceof File ? v.name : undefined;
      const mime = v.type || undefined;
      // Bytes are read lazily by the download route; keep the Blob's size now.
      if (kind === "photo") {
        const f = w.addPhoto(v.size);
        f.blob = v;
        return f;
      }
      const f = w.addFile(kind, { size: v.size, fileName: name, mimeType: mime, ...meta });
      f.blob = v;
      return f;
    }
    if (typeof v !== "string" || v.length === 0) {
      throw badRequest(`there is no ${kind} in the request`);
    }
    if (/^https?:\/\//i.test(v)) {
      const name = v.split("?")[0]!.split("/").pop() || undefined;
      if (kind === "photo") return w.addPhoto(100_000);
      return w.addFile(kind, { size: 100_000, fileName: name, ...meta });
    }
    const owned = w.fileIds.get(v);
    if (!owned || owned.botId !== bot.id) throw badRequest(E.wrongFileId);
    const f = owned.file;
    // a thumbnail's file_id can be downloaded, not sent as a photo
    const compatible = !f.isThumb && f.kind === kind ||
      (kind === "document" && f.kind === "animation") ||
      (kind === "animation" && f.kind === "document");
    if (!compatible) throw badRequest(E.fileTypeMismatch);
    if (f.kind === "photo" && f.sizes) return f.sizes[f.sizes.length - 1]!;
    return f;
  }

  interface Target {
    chat: ChatRec;
    replyToId?: number;
    threadId?: number;
  }

  /** Resolves chat, thread and reply of a send. */
  function target(bot: BotRec, p: Record<string, unknown>, c?: CallCtx): Target {
    const chat = chatToSend(bot, p.chat_id);
    const t: Target = { chat };
    const tid = num(p.message_thread_id);
    // Why: Client.cpp check_message_topic asks for the topic only in a forum supergroup or a
    // private chat; elsewhere the id is dropped and the message goes to the chat itself.
    if (tid !== undefined && tid > 0 && chat.type !== "private" && !chat.isForum) {
      c?.anomaly?.("thread_id_outside_forum", "message_thread_id");
    } else if (tid !== undefined && tid > 0) {
      if (!chat.isForum || !chat.messages.has(tid)) throw badRequest(E.threadNotFound);
      t.threadId = tid;
    }
    // Why: without reply_parameters the server still reads the deprecated top-level
    // reply_to_message_id and allow_sending_without_reply (Client.cpp get_reply_parameters).
    const legacy = p.reply_parameters === undefined && p.reply_to_message_id !== undefined
      ? {
        message_id: Number(p.reply_to_message_id),
        allow_sending_without_reply: p.allow_sending_without_reply === true ||
          p.allow_sending_without_reply === "true",
      }
      : undefined;
    const rp = (p.reply_parameters ?? legacy) as
      | { message_id: number; chat_id?: number | string; allow_sending_without_reply?: boolean }
      | undefined;
    if (rp) {
      let same = true;
      if (rp.chat_id !== undefined) {
        try {
          same = findChat(bot, rp.chat_id) === chat;
        } catch {
          same = false;
        }
      }
      const r = same ? w.message(chat, rp.message_id) : undefined;
      if (!r) {
        if (!rp.allow_sending_without_reply) throw badRequest(E.replyNotFound);
      } else {
        t.replyToId = r.id;
        if (t.threadId === undefined) t.threadId = w.threadFor(chat, r);
      }
    }
    return t;
  }

  function limitKind(chat: ChatRec) {
    return chat.type === "private" ? "private" as const : "group" as const;
  }

  /** Creates a bot-authored message and runs the channel side effects. */
  function post(bot: BotRec, t: Target, body: Partial<MsgRec>, p: Record<string, unknown>): MsgRec {
    const m = w.addMessage(t.chat, {
      authorId: bot.id,
      senderChatId: t.chat.type === "channel" ? t.chat.id : undefined,
      kind: body.kind ?? "text",
      ...body,
      replyToId: t.replyToId,
      threadId: t.threadId,
      protect: p.protect_content === true || undefined,
      replyMarkup: body.replyMarkup ?? markup(p.reply_markup),
    });
    return m;
  }

  function afterPosts(msgs: MsgRec[]): void {
    const first = msgs[0];
    if (!first || first.chat.type !== "channel" || first.chat.linkedChatId === undefined) return;
    const group = w.chats.get(first.chat.linkedChatId);
    if (!group) return;
    const d = env.autoForwardDelay();
    const run = () => {
      for (const m of msgs) if (!m.deleted) autoForward(m, group);
    };
    if (d === "before-return") run();
    else env.timers.after(d.min + Math.random() * Math.max(0, d.max - d.min), run);
  }

  function autoForward(post: MsgRec, group: ChatRec): void {
    const chan = post.chat;
    const origin = post.forwardOrigin ?? {
      type: "channel",
      chat: w.chatJson(chan),
      message_id: post.id,
      date: post.date,
    };
    const g = w.addMessage(group, {
      authorId: TELEGRAM_USER_ID,
      senderChatId: chan.id,
      kind: post.kind,
      text: post.text,
      entities: post.entities,
      caption: post.caption,
      captionEntities: post.captionEntities,
      file: post.file,
      extra: post.extra,
      mediaGroupId: post.mediaGroupId ? `${post.mediaGroupId}1` : undefined,
      isAutomaticForward: true,
      forwardOrigin: origin,
    });
    post.autoForward = { chatId: group.id, messageId: g.id };
    w.dispatchMessage(g);
  }

  function sendResult(bot: BotRec, m: MsgRec) {
    return w.renderMessage(m, bot);
  }

  /** Generic send of one message with content built by `build`. */
  function send(
    c: CallCtx,
    build: (t: Target) => Partial<MsgRec>,
  ): Record<string, unknown> {
    const t = target(c.bot, c.params, c);
    const body = build(t);
    env.limiter.take(c.bot.id, limitKind(t.chat), t.chat.id, 1);
    const m = post(c.bot, t, body, c.params);
    afterPosts([m]);
    return sendResult(c.bot, m);
  }

  function mediaSender(field: string): Handler {
    const kind = KIND_FOR_FIELD[field]!;
    return (c) =>
      send(c, () => {
        const p = c.params;
        const meta: Partial<FileRec> = {};
        if (num(p.duration) !== undefined) meta.duration = num(p.duration);
        if (num(p.width) !== undefined) meta.width = num(p.width);
        if (num(p.height) !== undefined) meta.height = num(p.height);
        if (num(p.length) !== undefined) meta.width = num(p.length);
        if (str(p.performer)) meta.performer = str(p.performer);
        if (str(p.title)) meta.title = str(p.title);
        if (str(p.emoji)) meta.emoji = str(p.emoji);
        const file = inputFile(c.bot, p[field], kind, p, meta);
        const body: Partial<MsgRec> = { kind: kind as MsgKind, file };
        if (kind !== "sticker" && kind !== "video_note") caption(p, body);
        return body;
      });
  }

  // ---------- copy / forward ----------

  function sourceMessage(bot: BotRec, p: Record<string, unknown>, id: number, copy: boolean) {
    const from = chatToRead(bot, p.from_chat_id);
    const m = w.message(from, id);
    if (!m || m.kind === "service") throw badRequest(copy ? E.copyNotFound : E.forwardNotFound);
    if (from.protectedContent || m.protect) throw badRequest(copy ? E.cantCopy : E.cantForward);
    if (copy && UNCOPYABLE.has(m.kind)) throw badRequest(E.cantCopy);
    return m;
  }

  function contentOf(m: MsgRec): Partial<MsgRec> {
    return {
      kind: m.kind,
      text: m.text,
      entities: m.entities,
      caption: m.caption,
      captionEntities: m.captionEntities,
      file: m.file,
      extra: m.extra,
    };
  }

  function originOf(m: MsgRec): Record<string, unknown> {
    if (m.forwardOrigin) return m.forwardOrigin;
    if (m.chat.type === "channel") {
      return { type: "channel", chat: w.chatJson(m.chat), message_id: m.id, date: m.date };
    }
    const a = w.actor(m.authorId);
    if (m.senderChatId !== undefined) {
      const sc = w.chats.get(m.senderChatId);
      if (sc) return { type: "chat", sender_chat: w.chatJson(sc), date: m.date };
    }
    return { type: "user", sender_user: a ? w.userJson(a) : w.userJson(w.telegram), date: m.date };
  }

  function copyBody(m: MsgRec, p: Record<string, unknown>): Partial<MsgRec> {
    const body = contentOf(m);
    if (m.text === undefined && m.kind !== "text") {
      if (p.remove_caption === true) {
        body.caption = undefined;
        body.captionEntities = undefined;
      } else if (typeof p.caption === "string") {
        body.caption = undefined;
        body.captionEntities = undefined;
        caption(p, body);
      }
    }
    if (p.reply_markup !== undefined) body.replyMarkup = markup(p.reply_markup);
    else body.replyMarkup = undefined;
    return body;
  }

  function checkIds(ids: number[]): void {
    if (ids.length < 1 || ids.length > LIMITS.messageIdsMax) {
      throw badRequest("message_ids is invalid");
    }
    for (let i = 1; i < ids.length; i++) {
      if (ids[i]! <= ids[i - 1]!) throw badRequest(E.idsNotIncreasing);
    }
  }

  function copyOrForwardMany(c: CallCtx, copy: boolean) {
    const p = c.params;
    const ids = p.message_ids as number[];
    checkIds(ids);
    const from = chatToRead(c.bot, p.from_chat_id);
    if (from.protectedContent) throw badRequest(copy ? E.cantCopy : E.cantForward);
    // Why: tdlib forward_messages leaves out the messages it can't send (a copy of paid media,
    // a giveaway or an invoice); only when none is left does the call fail.
    const src = ids.map((id) => w.message(from, id)).filter((m): m is MsgRec =>
      m !== undefined && m.kind !== "service" && !m.protect && !(copy && UNCOPYABLE.has(m.kind))
    );
    if (src.length === 0) throw badRequest(copy ? E.copyNotFound : E.forwardNotFound);
    const t = target(c.bot, p, c);
    env.limiter.take(c.bot.id, limitKind(t.chat), t.chat.id, src.length);
    const groups = new Map<string, string>();
    const out: MsgRec[] = [];
    for (const m of src) {
      const body = copy ? contentOf(m) : { ...contentOf(m), forwardOrigin: originOf(m) };
      if (copy && p.remove_caption === true) body.caption = body.captionEntities = undefined;
      if (m.mediaGroupId) {
        let g = groups.get(m.mediaGroupId);
        if (!g) groups.set(m.mediaGroupId, g = w.newMediaGroupId());
        body.mediaGroupId = g;
      }
      out.push(post(c.bot, t, body, p));
    }
    afterPosts(out);
    return out.map((m) => ({ message_id: m.id }));
  }

  // ---------- edits ----------

  function editable(c: CallCtx): MsgRec {
    const p = c.params;
    if (p.inline_message_id !== undefined) {
      throw badRequest("inline messages are not supported by the emulator");
    }
    if (p.chat_id === undefined || p.message_id === undefined) {
      throw badRequest("message identifier is not specified");
    }
    const chat = chatToRead(c.bot, p.chat_id);
    const m = w.message(chat, num(p.message_id)!);
    if (!m) throw badRequest(E.editNotFound);
    if (m.authorId !== c.bot.id) throw badRequest(E.cantEdit);
    return m;
  }

  function finishEdit(c: CallCtx, m: MsgRec, changed: Partial<MsgRec>, before: string): unknown {
    const after = JSON.stringify([
      changed.text ?? m.text,
      changed.entities ?? m.entities,
      changed.caption ?? m.caption,
      changed.captionEntities ?? m.captionEntities,
      "replyMarkup" in changed ? changed.replyMarkup : m.replyMarkup,
    ]);
    if (after === before) throw badRequest(E.notModified);
    env.limiter.take(c.bot.id, limitKind(m.chat), m.chat.id, 1);
    Object.assign(m, changed);
    m.editDate = w.now();
    if (m.autoForward && ("text" in changed || "caption" in changed)) {
      // Why: Telegram keeps the discussion-group copy of a channel post in sync.
      const g = w.chats.get(m.autoForward.chatId);
      const copy = g && w.message(g, m.autoForward.messageId);
      if (copy) {
        Object.assign(copy, {
          text: m.text,
          entities: m.entities,
          caption: m.caption,
          captionEntities: m.captionEntities,
          editDate: m.editDate,
        });
        w.dispatchMessage(copy, true);
      }
    }
    return sendResult(c.bot, m);
  }

  /**
   * The live part of a sendLocation (undefined for a static location); the period must be
   * 60..86400 s or 0x7FFFFFFF (tdlib Location.cpp process_input_message_location).
   */
  function liveOf(p: Record<string, unknown>): MsgRec["live"] {
    const period = num(p.live_period);
    if (period === undefined || period === 0) return undefined;
    if (period !== LIVE_FOREVER && (period < 60 || period > 86400)) {
      throw badRequest(E.livePeriodInvalid);
    }
    return {
      period,
      endsAt: liveEnd(performance.now(), period),
      heading: num(p.heading) || undefined,
      radius: num(p.proximity_alert_radius) || undefined,
    };
  }
  function liveEnd(from: number, period: number): number {
    return period === LIVE_FOREVER ? Infinity : from + env.clock.realMs(period);
  }

  /**
   * The bot's own live location that may still be updated. As MessagesManager.cpp
   * edit_message_live_location: can_edit_message first (a static location, e.g. a copy of a
   * live one, and an expired or stopped live location can't be edited), then "there is no live
   * location" for other editable content (text, media).
   */
  function liveEditable(c: CallCtx): MsgRec {
    const m = editable(c);
    if (m.kind === "location") {
      if (!m.live || !w.isLive(m)) throw badRequest(E.cantEdit);
      return m;
    }
    if (m.kind === "text" || m.file) throw badRequest(E.noLiveLocation);
    throw badRequest(E.cantEdit);
  }

  function snapshot(m: MsgRec): string {
    return JSON.stringify([m.text, m.entities, m.caption, m.captionEntities, m.replyMarkup]);
  }

  // ---------- handlers ----------

  const h = new Map<string, Handler>();

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

  h.set("editMessageText", (c) => {
    const m = editable(c);
    if (m.text === undefined) throw badRequest(E.noTextToEdit);
    const before = snapshot(m);
    const f = formatted(str(c.params.text)!, c.params.parse_mode, c.params.entities, "text");
    return finishEdit(c, m, {
      text: f.text,
      entities: f.entities,
      replyMarkup: markup(c.params.reply_markup),
    }, before);
  });
  h.set("editMessageCaption", (c) => {
    const m = editable(c);
    if (m.text !== undefined || !m.file) throw badRequest(E.noCaptionToEdit);
    const before = snapshot(m);
    const body: Partial<MsgRec> = { caption: undefined, captionEntities: undefined };
    caption(c.params, body);
    body.replyMarkup = markup(c.params.reply_markup);
    return finishEdit(c, m, body, before);
  });
  h.set("editMessageReplyMarkup", (c) => {
    const m = editable(c);
    const before = snapshot(m);
    return finishEdit(c, m, { replyMarkup: markup(c.params.reply_markup) }, before);
  });

  h.set("editMessageLiveLocation", (c) => {
    const m = liveEditable(c);
    const p = c.params;
    const live = { ...m.live! };
    const period = num(p.live_period);
    if (period !== undefined && period !== live.period) {
      // the new period counts from the send date and must leave the end in the future
      const startedAt = live.period === LIVE_FOREVER
        ? performance.now() - env.clock.realMs(w.now() - m.date)
        : live.endsAt - env.clock.realMs(live.period);
      const endsAt = liveEnd(startedAt, period);
      const tooLong = live.period !== LIVE_FOREVER && period !== LIVE_FOREVER &&
        period > live.period + 86400;
      if (tooLong || endsAt <= performance.now()) throw badRequest(E.livePeriodInvalid);
      Object.assign(live, { period, endsAt });
    }
    if (num(p.heading) !== undefined) live.heading = num(p.heading) || undefined;
    if (num(p.proximity_alert_radius) !== undefined) {
      live.radius = num(p.proximity_alert_radius) || undefined;
    }
    const location = { latitude: p.latitude, longitude: p.longitude };
    const kb = markup(p.reply_markup);
    const before = JSON.stringify([m.extra?.location, m.live, m.replyMarkup]);
    if (JSON.stringify([location, live, kb]) === before) throw badRequest(E.notModified);
    env.limiter.take(c.bot.id, limitKind(m.chat), m.chat.id, 1);
    // a new object: copies made earlier keep the position they were made with
    m.extra = { ...m.extra, location };
    m.live = live;
    m.replyMarkup = kb;
    m.editDate = w.now();
    return sendResult(c.bot, m);
  });
  h.set("stopMessageLiveLocation", (c) => {
    const m = liveEditable(c);
    env.limiter.take(c.bot.id, limitKind(m.chat), m.chat.id, 1);
    m.live = { ...m.live!, endsAt: performance.now() };
    m.replyMarkup = markup(c.params.reply_markup);
    m.editDate = w.now();
    return sendResult(c.bot, m);
  });
  h.set("editMessageMedia", (c) => {
    const m = editable(c);
    // MessagesManager.cpp can_edit_message_media: text, animation, audio, document, photo, video
    const MEDIA = ["text", "animation", "audio", "document", "photo", "video"];
    if (!MEDIA.includes(m.kind)) throw badRequest(E.mediaCantEdit);
    const media = c.params.media as Record<string, unknown>;
    const kind = String(media.type) as FileKind;
    if (!["animation", "audio", "document", "photo", "video"].includes(kind)) {
      throw badRequest("unsupported input message content type");
    }
    if (
      m.mediaGroupId && m.kind !== kind && (kind === "document" || kind === "audio" ||
        m.kind === "document" || m.kind === "audio")
    ) {
      throw badRequest("can't change media type in the album");
    }
    const meta: Partial<FileRec> = {};
    if (num(media.duration) !== undefined) meta.duration = num(media.duration);
    const file = inputFile(c.bot, media.media, kind, c.params, meta);
    const body: Partial<MsgRec> = { kind: kind as MsgKind, file, text: undefined };
    body.entities = undefined;
    body.caption = undefined;
    body.captionEntities = undefined;
    caption(media, body);
    body.replyMarkup = markup(c.params.reply_markup);
    const same = m.file === file && m.caption === body.caption &&
      JSON.stringify(m.captionEntities) === JSON.stringify(body.captionEntities) &&
      JSON.stringify(m.replyMarkup) === JSON.stringify(body.replyMarkup);
    if (same) throw badRequest(E.notModified);
    env.limiter.take(c.bot.id, limitKind(m.chat), m.chat.id, 1);
    Object.assign(m, body);
    m.editDate = w.now();
    return sendResult(c.bot, m);
  });

  h.set("deleteMessage", ({ bot, params: p }) => {
    const chat = chatToRead(bot, p.chat_id);
    const m = w.message(chat, num(p.message_id)!);
    if (!m) throw badRequest(E.deleteNotFound);
    const own = m.authorId === bot.id;
    const ok = own || chat.type === "private" || rights(chat, bot.id)?.can_delete_messages === true;
    if (!ok) throw badRequest(E.cantDelete);
    // Why: bots can't delete messages older than 2 days, in any chat (MessagesManager.cpp
    // can_delete_channel_message, and DEFAULT_REVOKE_TIME_LIMIT for bots in can_revoke_message).
    if (w.ageSec(m) >= LIMITS.deleteMaxAgeSec) throw badRequest(E.cantDelete);
    m.deleted = true;
    return true;
  });

  h.set("answerCallbackQuery", ({ bot, params: p }) => {
    const q = w.callbackQueries.get(String(p.callback_query_id));
    const ttl = Math.max(env.clock.realMs(LIMITS.callbackQueryTtlSec), 2000);
    if (!q || q.botId !== bot.id || q.answered || performance.now() - q.created > ttl) {
      throw badRequest(E.queryTooOld);
    }
    if (typeof p.text === "string" && p.text.length > LIMITS.callbackAnswerTextMax) {
      throw badRequest("MESSAGE_TOO_LONG");
    }
    q.answered = { text: p.text, show_alert: p.show_alert === true, url: p.url };
    return true;
  });

  h.set("getChat", ({ bot, params: p }) => {
    const chat = chatToRead(bot, p.chat_id);
    const o: Record<string, unknown> = {
      ...w.chatJson(chat),
      accent_color_id: 0,
      max_reaction_count: 11,
      accepted_gift_types: {
        unlimited_gifts: false,
        limited_gifts: false,
        unique_gifts: false,
        premium_subscription: false,
        gifts_from_channels: false,
      },
    };
    if (chat.linkedChatId !== undefined) o.linked_chat_id = chat.linkedChatId;
    if (chat.protectedContent) o.has_protected_content = true;
    return o;
  });
  h.set("getChatMember", ({ bot, params: p }) => {
    const chat = chatToRead(bot, p.chat_id);
    const uid = num(p.user_id)!;
    if (!w.actor(uid)) throw badRequest(E.userNotFound);
    if (chat.type === "private") {
      const st = uid === bot.id || uid === chat.userId ? "member" : "left";
      return w.memberJson(chat, uid, { status: st });
    }
    return w.memberJson(chat, uid, w.memberStatus(chat, uid), bot.id);
  });
  h.set("getChatAdministrators", ({ bot, params: p }) => {
    const chat = chatToRead(bot, p.chat_id);
    if (chat.type === "private") {
      throw badRequest("there are no administrators in the private chat");
    }
    const out: unknown[] = [];
    for (const [id, m] of chat.members) {
      if (m.status === "creator" || m.status === "administrator") {
        out.push(w.memberJson(chat, id, m, bot.id));
      }
    }
    return out;
  });
  h.set("getChatMemberCount", ({ bot, params: p }) => {
    const chat = chatToRead(bot, p.chat_id);
    if (chat.type === "private") return 2;
    let n = 0;
    for (const m of chat.members.values()) if (isActive(m.status)) n++;
    return n;
  });

  /**
   * Telegram keeps one list per scope and language: the key names the scope by its kind and
   * resolved ids (so `@username` and the numeric id, or fields in any order, are one scope).
   * Unknown kinds, missing ids and bad language codes are refused as Telegram does.
   */
  const scopeKey = (bot: BotRec, p: Record<string, unknown>) => {
    const scope = (typeof p.scope === "string" ? JSON.parse(p.scope) : p.scope ?? {
      type: "default",
    }) as { type?: unknown; chat_id?: unknown; user_id?: unknown };
    const lang = str(p.language_code) ?? "";
    if (lang && !/^[a-z]{2}$/.test(lang)) throw badRequest("invalid language code specified");
    const type = str(scope.type);
    switch (type) {
      case "default":
      case "all_private_chats":
      case "all_group_chats":
      case "all_chat_administrators":
        return `${type}|${lang}`;
      case "chat":
      case "chat_administrators":
      case "chat_member": {
        if (scope.chat_id === undefined) throw badRequest("chat_id is empty");
        const chat = chatToRead(bot, scope.chat_id);
        if (type !== "chat" && chat.type === "private") {
          throw badRequest("can't use the scope in private chats");
        }
        if (type !== "chat_member") return `${type}:${chat.id}|${lang}`;
        if (typeof scope.user_id !== "number") throw badRequest("user_id is empty");
        return `${type}:${chat.id}:${scope.user_id}|${lang}`;
      }
      default:
        throw badRequest("unsupported bot command scope type");
    }
  };
  h.set("setMyCommands", ({ bot, params: p }) => {
    const cmds = p.commands as { command: string; description: string }[];
    if (cmds.length > 100) throw badRequest("too many commands");
    for (const cmd of cmds) {
      if (!/^[a-z0-9_]{1,32}$/.test(cmd.command)) throw badRequest("BOT_COMMAND_INVALID");
      if (cmd.description.length < 1 || cmd.description.length > 256) {
        throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
      }
    }
    bot.commands.set(scopeKey(bot, p), cmds);
    return true;
  });
  h.set("getMyCommands", ({ bot, params: p }) => bot.commands.get(scopeKey(bot, p)) ?? []);
  h.set("deleteMyCommands", ({ bot, params: p }) => {
    bot.commands.delete(scopeKey(bot, p));
    return true;
  });
  const textSetting = (field: string, key: string, max: number): [Handler, Handler] => [
    ({ bot, params: p }) => {
      const v = str(p[field]) ?? "";
      if (v.length > max) throw badRequest(`${field} is too long`);
      bot.texts.set(`${key}|${str(p.language_code) ?? ""}`, v);
      if (key === "name" && v && !p.language_code) bot.firstName = v;
      return true;
    },
    ({ bot, params: p }) => ({
      [field]: bot.texts.get(`${key}|${str(p.language_code) ?? ""}`) ??
        (key === "name" ? bot.firstName : ""),
    }),
  ];
  const [setD, getD] = textSetting("description", "description", LIMITS.descriptionMax);
  const [setS, getS] = textSetting("short_description", "short", LIMITS.shortDescriptionMax);
  const [setN, getN] = textSetting("name", "name", LIMITS.nameMax);
  h.set("setMyDescription", setD);
  h.set("getMyDescription", getD);
  h.set("setMyShortDescription", setS);
  h.set("getMyShortDescription", getS);
  h.set("setMyName", setN);
  h.set("getMyName", getN);

  h.set("getUpdates", ({ bot, params: p, signal }) => {
    if (p.allowed_updates !== undefined) bot.updates.setAllowed(p.allowed_updates);
    return bot.updates.poll(num(p.offset), num(p.limit) ?? 100, num(p.timeout) ?? 0, signal);
  });
  h.set("setWebhook", ({ bot, params: p }) => {
    const url = str(p.url) ?? "";
    if (url === "") {
      bot.updates.deleteWebhook(p.drop_pending_updates === true);
      return true;
    }
    // Why: Telegram (WebhookActor.cpp start_up) wants https on 443, 80, 88 or 8443; with
    // webhookPorts "any" plain http to loopback and any port are allowed for test receivers.
    const any = env.webhookPorts === "any";
    if (!/^https:\/\//.test(url)) {
      if (!any || !/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//.test(url)) {
        throw badRequest("bad webhook: An HTTPS URL must be provided for webhook");
      }
    } else if (!any) {
      const port = URL.canParse(url) ? new URL(url).port : "";
      if (port !== "" && !["443", "80", "88", "8443"].includes(port)) {
        throw badRequest("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443");
      }
    }
    const secret = str(p.secret_token);
    if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
      throw badRequest("bad webhook: secret token contains unallowed characters");
    }
    if (p.allowed_updates !== undefined) bot.updates.setAllowed(p.allowed_updates);
    bot.updates.setWebhook(
      { url, secretToken: secret, maxConnections: num(p.max_connections) ?? 40 },
      p.drop_pending_updates === true,
    );
    return true;
  });
  h.set("deleteWebhook", ({ bot, params: p }) => {
    bot.updates.deleteWebhook(p.drop_pending_updates === true);
    return true;
  });
  h.set("getWebhookInfo", ({ bot }) => {
    const wh = bot.updates.webhook;
    const o: Record<string, unknown> = {
      url: wh?.url ?? "",
      has_custom_certificate: false,
      pending_update_count: bot.updates.pending,
    };
    if (wh) {
      o.max_connections = wh.maxConnections;
      if (wh.lastErrorDate) {
        o.last_error_date = wh.lastErrorDate;
        o.last_error_message = wh.lastErrorMessage;
      }
      if (bot.updates.allowed) o.allowed_updates = [...bot.updates.allowed];
    }
    return o;
  });

  h.set("getFile", ({ bot, params: p }) => {
    const owned = w.fileIds.get(String(p.file_id));
    if (!owned || owned.botId !== bot.id) throw badRequest(E.wrongFileId);
    const f = owned.file;
    if (f.size > LIMITS.downloadMaxBytes) throw badRequest(E.fileTooBig);
    return {
      file_id: String(p.file_id),
      file_unique_id: f.uid,
      file_size: f.size,
      file_path: f.path,
    };
  });

  h.set("createChatInviteLink", ({ bot, params: p }) => {
    const chat = chatToRead(bot, p.chat_id);
    if (chat.type === "private") throw badRequest("can't invite members to a private chat");
    needRight(chat, bot, "can_invite_users");
    const limit = num(p.member_limit);
    if (limit !== undefined && (limit < 1 || limit > 99999)) {
      throw badRequest("member_limit is invalid");
    }
    if (limit !== undefined && p.creates_join_request === true) {
      throw badRequest(
        "member limit can't be specified for links requiring administrator approval",
      );
    }
    const link = `https://t.me/+${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
    const rec = {
      chatId: chat.id,
      creatorId: bot.id,
      expire: num(p.expire_date),
      limit,
      used: 0,
      name: str(p.name),
      revoked: false,
    };
    w.inviteLinks.set(link, rec);
    const o: Record<string, unknown> = {
      invite_link: link,
      creator: w.userJson(bot),
      creates_join_request: p.creates_join_request === true,
      is_primary: false,
      is_revoked: false,
    };
    if (rec.name) o.name = rec.name;
    if (rec.expire) o.expire_date = rec.expire;
    if (limit) o.member_limit = limit;
    return o;
  });
  h.set("banChatMember", ({ bot, params: p }) => {
    const chat = chatToRead(bot, p.chat_id);
    if (chat.type === "private") throw badRequest("can't ban members in private chats");
    needRight(chat, bot, "can_restrict_members");
    const uid = num(p.user_id)!;
    const st = w.memberStatus(chat, uid).status;
    if (st === "creator") throw badRequest("can't remove chat owner");
    // Why: Telegram refuses to ban an administrator (USER_ADMIN_INVALID, worded by Client.cpp)
    // unless the bot promoted them itself (an admin it can edit, can_be_edited).
    if (st === "administrator" && w.memberStatus(chat, uid).promotedBy !== bot.id) {
      throw badRequest(E.userIsAdmin);
    }
    w.setMember(chat, uid, { status: "kicked", untilDate: num(p.until_date) ?? 0 }, bot.id);
    return true;
  });
  h.set("promoteChatMember", ({ bot, params: p }) => {
    const chat = chatToRead(bot, p.chat_id);
    if (chat.type === "private") throw badRequest(E.notGroupOrChannel);
    needRight(chat, bot, "can_promote_members");
    const uid = num(p.user_id)!;
    if (!w.actor(uid)) throw badRequest(E.userNotFound);
    const cur = w.memberStatus(chat, uid);
    if (cur.status === "creator") throw badRequest("can't remove chat owner");
    // Why: admins form a hierarchy; a bot edits or demotes only the admins it promoted
    // (Telegram answers CHAT_ADMIN_REQUIRED otherwise; grammY/telegraf issue #1155).
    if (cur.status === "administrator" && cur.promotedBy !== bot.id) {
      throw badRequest(E.chatAdminRequired);
    }
    const mine = rights(chat, bot.id)!;
    const asked: Partial<AdminRights> = {};
    for (const k of Object.keys(makeRights(chat.type)) as (keyof AdminRights)[]) {
      if (typeof p[k] === "boolean") asked[k] = p[k] as boolean;
    }
    const granted = Object.entries(asked).filter(([, v]) => v === true);
    // a bot can't give rights it does not have itself
    if (granted.some(([k]) => mine[k as keyof AdminRights] !== true)) {
      throw badRequest(E.rightForbidden);
    }
    if (granted.length === 0) {
      if (cur.status === "administrator") w.setMember(chat, uid, { status: "member" }, bot.id);
      return true;
    }
    if (!isActive(cur.status)) throw badRequest(E.userNotParticipant);
    const none = Object.fromEntries(Object.keys(makeRights(chat.type)).map((k) => [k, false]));
    w.setMember(chat, uid, {
      status: "administrator",
      rights: makeRights(chat.type, { ...none, ...asked }),
      promotedBy: bot.id,
    }, bot.id);
    return true;
  });
  h.set("unbanChatMember", ({ bot, params: p }) => {
    const chat = chatToRead(bot, p.chat_id);
    if (chat.type === "private") throw badRequest("can't unban members in private chats");
    needRight(chat, bot, "can_restrict_members");
    const uid = num(p.user_id)!;
    const st = w.memberStatus(chat, uid).status;
    if (st === "kicked") w.setMember(chat, uid, { status: "left" }, bot.id);
    else if (p.only_if_banned !== true && isActive(st) && st !== "creator") {
      // Telegram: without only_if_banned, unbanning a member removes them from the chat.
      w.setMember(chat, uid, { status: "left" }, bot.id);
    }
    return true;
  });
  h.set("leaveChat", ({ bot, params: p }) => {
    const chat = chatToRead(bot, p.chat_id);
    if (chat.type === "private") {
      throw badRequest("chat member status can't be changed in private chats");
    }
    w.setMember(chat, bot.id, { status: "left" }, bot.id);
    return true;
  });
  const ACTIONS = new Set([
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
  ]);
  h.set("sendChatAction", ({ bot, params: p }) => {
    chatToSend(bot, p.chat_id);
    if (!ACTIONS.has(String(p.action))) throw badRequest("wrong parameter action in request");
    return true;
  });
  h.set("logOut", () => true);
  h.set("close", () => true);

  return { handlers: h, afterPosts };
}
