/**
 * What the Bot API method handlers share: their types, small helpers and the tools over the
 * world model (chat access, content, sending, copies, edits). The handlers themselves are in
 * methods_*.ts by method group and put together by handlers.ts. Each handler gets already
 * validated and coerced parameters (see schema.ts) and returns the `result` or throws ApiError.
 *
 * It stays one file over 400 lines: the tools are one closure over the call's environment
 * (`makeTools`), each built on the others (access checks, content, sending, copies, edits); cutting
 * the closure apart would pass the environment through every helper.
 *
 * @module
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

/** Where a send goes: the chat, and the thread or reply it is in. */
export interface Target {
  chat: ChatRec;
  replyToId?: number;
  threadId?: number;
}

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

export const te = new TextEncoder();
export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
export const isActive = (s: MemberStatus) =>
  s === "creator" || s === "administrator" || s === "member" || s === "restricted";
/** live_period of a location that can be updated forever (Bot API sendLocation). */
export const LIVE_FOREVER = 0x7FFFFFFF;
/**
 * Content tdlib refuses to copy (MessageContent.cpp can_forward_message_content with is_copy:
 * Giveaway, GiveawayWinners, PaidMedia, Invoice); forwarding them is allowed.
 */
export const UNCOPYABLE: ReadonlySet<MsgKind> = new Set(["paid_media", "giveaway", "invoice"]);
export const chatWord = (c: ChatRec) => (c.type === "channel" ? "channel chat" : "supergroup chat");

/** The handler table plus the channel side effects the control surface reuses. */
export interface Api {
  handlers: Map<string, Handler>;
  /** schedules the automatic forwards of new channel posts into the linked group */
  afterPosts: (msgs: MsgRec[]) => void;
}

/** The helpers the method handlers share: chat access, content, sending, copies, edits. */
export function makeTools(env: ApiEnv) {
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
    // any keyboard: Telegram refuses a markup past about 10 KB (docs/emulator.md)
    if (te.encode(JSON.stringify(v)).length > LIMITS.replyMarkupMaxBytes) {
      throw badRequest(E.replyMarkupTooLong);
    }
    const kb = (v as { inline_keyboard?: unknown }).inline_keyboard;
    if (!Array.isArray(kb)) return undefined;
    const buttons = kb.reduce((n, row) => n + (Array.isArray(row) ? row.length : 0), 0);
    if (buttons > LIMITS.inlineButtonsMax) throw badRequest(E.replyMarkupTooLong);
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

  return {
    findChat,
    chatToRead,
    chatToSend,
    rights,
    canPost,
    needRight,
    formatted,
    caption,
    markup,
    inputFile,
    target,
    limitKind,
    post,
    afterPosts,
    autoForward,
    sendResult,
    send,
    mediaSender,
    sourceMessage,
    contentOf,
    originOf,
    copyBody,
    checkIds,
    copyOrForwardMany,
    editable,
    finishEdit,
    liveOf,
    liveEnd,
    liveEditable,
    snapshot,
    w,
    KIND_FOR_FIELD,
  };
}

/** The tools of {@linkcode makeTools}. */
export type Tools = ReturnType<typeof makeTools>;
