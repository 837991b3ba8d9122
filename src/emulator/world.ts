/**
 * The emulated Telegram world: users, bots, chats, messages, files, memberships, and the
 * rendering of messages as each bot sees them (file_ids are per bot). Everything is kept in
 * maps by id so a call costs O(1) lookups.
 *
 * It stays one file over 400 lines: the record types and the World class that keeps them are one
 * model, and the class is the only code that creates or links records (ids, memberships, files), so
 * its invariants are read in one place.
 */
import type { Entity } from "./entities.ts";
import { botSeesMessage, Clock, LIMITS } from "./rules.ts";
import { BotUpdates, Timers, type WebhookReplyHandler } from "./updates.ts";

/** Telegram's service account that authors automatic forwards. */
export const TELEGRAM_USER_ID = 777000;
/** The fake sender of anonymous group admins' messages (tdlib UserManager.cpp). */
export const GROUP_ANONYMOUS_BOT_ID = 1087968824;
/** The fake sender of messages sent in a group on behalf of a channel (tdlib UserManager.cpp). */
export const CHANNEL_BOT_ID = 136817688;

/** A human account. */
export interface UserRec {
  kind: "user";
  id: number;
  firstName: string;
  lastName?: string;
  username?: string;
  languageCode?: string;
}

/** A bot account with its Bot API state. */
export interface BotRec {
  kind: "bot";
  id: number;
  token: string;
  firstName: string;
  username: string;
  privacy: boolean;
  updates: BotUpdates;
  commands: Map<string, unknown[]>;
  texts: Map<string, string>;
  /** file_unique_id -> this bot's file_id */
  fileIds: Map<string, string>;
  calls: CallLogEntry[];
}

/** A fake sender account Telegram shows (GroupAnonymousBot, Channel_Bot). */
export type FakeBot = Pick<BotRec, "kind" | "id" | "firstName" | "username">;

/** One API call as logged per bot. */
export interface CallLogEntry {
  method: string;
  params: Record<string, unknown>;
  ok: boolean;
  errorCode?: number;
  description?: string;
  /** Date.now() when the call was answered */
  time: number;
  unknownFields?: string[];
}

/** Administrator rights (ChatAdministratorRights fields that matter here). */
export interface AdminRights {
  can_manage_chat: boolean;
  can_delete_messages: boolean;
  can_manage_video_chats: boolean;
  can_restrict_members: boolean;
  can_promote_members: boolean;
  can_change_info: boolean;
  can_invite_users: boolean;
  can_post_stories: boolean;
  can_edit_stories: boolean;
  can_delete_stories: boolean;
  can_post_messages?: boolean;
  can_edit_messages?: boolean;
  can_pin_messages?: boolean;
  can_manage_topics?: boolean;
}

/** Chat member status. */
export type MemberStatus =
  | "creator"
  | "administrator"
  | "member"
  | "restricted"
  | "left"
  | "kicked";

/** A member of a group or channel. */
export interface MemberRec {
  status: MemberStatus;
  rights?: AdminRights;
  untilDate?: number;
  /** Who made this administrator: only they (and the owner) may edit or demote them. */
  promotedBy?: number;
}

/** A chat: private (one user and one bot), supergroup or channel. */
export interface ChatRec {
  id: number;
  type: "private" | "supergroup" | "channel";
  title?: string;
  username?: string;
  isForum: boolean;
  protectedContent: boolean;
  linkedChatId?: number;
  ownerId?: number;
  members: Map<number, MemberRec>;
  messages: Map<number, MsgRec>;
  nextMessageId: number;
  /** private chats only */
  userId?: number;
  botId?: number;
  started?: boolean;
  blocked?: boolean;
}

/** Kinds of message content. */
export type MsgKind =
  | "text"
  | "photo"
  | "video"
  | "animation"
  | "audio"
  | "voice"
  | "video_note"
  | "document"
  | "sticker"
  | "location"
  | "contact"
  | "poll"
  | "paid_media"
  | "giveaway"
  | "invoice"
  | "story"
  | "service";

/** Kinds of stored files. */
export type FileKind =
  | "photo"
  | "video"
  | "animation"
  | "audio"
  | "voice"
  | "video_note"
  | "document"
  | "sticker";

/** A file known to Telegram; file_unique_id is global, file_ids are per bot. */
export interface FileRec {
  uid: string;
  kind: FileKind;
  size: number;
  path: string;
  bytes?: Uint8Array;
  /** an uploaded body, read on download */
  blob?: Blob;
  fileName?: string;
  mimeType?: string;
  width?: number;
  height?: number;
  duration?: number;
  performer?: string;
  title?: string;
  emoji?: string;
  /** for photos: all sizes, smallest first (this file is one of them) */
  sizes?: FileRec[];
  /** video, animation, audio, document, sticker: the thumbnail (a JPEG PhotoSize) */
  thumb?: FileRec;
  /** this file is a thumbnail: it can be downloaded but not sent as a photo */
  isThumb?: boolean;
}

/** Kinds whose messages carry a thumbnail, and its size (Bot API `thumbnail`). */
const THUMB_SIZE: Partial<Record<FileKind, [number, number]>> = {
  video: [320, 180],
  animation: [320, 180],
  audio: [320, 320],
  document: [320, 320],
  sticker: [128, 128],
};

/** A stored message. */
export interface MsgRec {
  chat: ChatRec;
  id: number;
  date: number;
  /** who did it: user, bot, or TELEGRAM_USER_ID for automatic forwards */
  authorId: number;
  /** channel posts and automatic forwards are shown as this chat */
  senderChatId?: number;
  kind: MsgKind;
  text?: string;
  entities?: Entity[];
  caption?: string;
  captionEntities?: Entity[];
  /** the main file; for photos the largest size */
  file?: FileRec;
  extra?: Record<string, unknown>;
  replyToId?: number;
  threadId?: number;
  mediaGroupId?: string;
  replyMarkup?: unknown;
  editDate?: number;
  deleted?: boolean;
  isAutomaticForward?: boolean;
  forwardOrigin?: Record<string, unknown>;
  protect?: boolean;
  /** channel post -> its automatic forward in the linked group */
  autoForward?: { chatId: number; messageId: number };
  /** a live location: its period (Telegram s) and when it ends (performance.now() ms) */
  live?: { period: number; endsAt: number; heading?: number; radius?: number };
  service?: Record<string, unknown>;
  /** performance.now() when stored: the message's age runs on the scaled clock */
  bornAt?: number;
}

/** Options of the world. */
export interface WorldOptions {
  clock: Clock;
  timers: Timers;
  /** unix seconds for message dates */
  unixNow: () => number;
  onWebhookReply?: (bot: BotRec, body: Record<string, unknown>) => void;
}

const RIGHTS_ALL: AdminRights = {
  can_manage_chat: true,
  can_delete_messages: true,
  can_manage_video_chats: true,
  can_restrict_members: true,
  can_promote_members: false,
  can_change_info: true,
  can_invite_users: true,
  can_post_stories: false,
  can_edit_stories: false,
  can_delete_stories: false,
  can_pin_messages: true,
};

/** Admin rights for a chat type, with overrides. */
export function makeRights(type: ChatRec["type"], over?: Partial<AdminRights>): AdminRights {
  const base: AdminRights = { ...RIGHTS_ALL };
  if (type === "channel") {
    base.can_post_messages = true;
    base.can_edit_messages = true;
    delete base.can_pin_messages;
  }
  return { ...base, ...over };
}

const FILE_PREFIX: Record<FileKind, string> = {
  photo: "AgAC",
  video: "BAAC",
  animation: "CgAC",
  audio: "CQAC",
  voice: "AwAC",
  video_note: "DQAC",
  document: "BQAC",
  sticker: "CAAC",
};
const FILE_DIR: Record<FileKind, [string, string]> = {
  photo: ["photos", "jpg"],
  video: ["videos", "mp4"],
  animation: ["animations", "mp4"],
  audio: ["music", "mp3"],
  voice: ["voice", "oga"],
  video_note: ["video_notes", "mp4"],
  document: ["documents", "bin"],
  sticker: ["stickers", "webp"],
};

function rand(n: number): string {
  const a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  let s = "";
  for (let i = 0; i < n; i++) s += a[(Math.random() * 64) | 0];
  return s;
}

/** The world state. */
export class World {
  readonly users = new Map<number, UserRec>();
  readonly bots = new Map<number, BotRec>();
  readonly botsByToken = new Map<string, BotRec>();
  readonly chats = new Map<number, ChatRec>();
  readonly chatsByUsername = new Map<string, ChatRec>();
  readonly privateChats = new Map<string, ChatRec>();
  readonly files = new Map<string, FileRec>();
  readonly filePaths = new Map<string, FileRec>();
  /** file_id -> owner bot and file */
  readonly fileIds = new Map<string, { botId: number; file: FileRec }>();
  readonly callbackQueries = new Map<
    string,
    { botId: number; userId: number; created: number; answered?: Record<string, unknown> }
  >();
  readonly inviteLinks = new Map<
    string,
    {
      chatId: number;
      creatorId: number;
      expire?: number;
      limit?: number;
      used: number;
      name?: string;
      revoked: boolean;
    }
  >();
  private seq = 1;
  private nextUserId = 100_000_001;
  private nextBotId = 7_000_000_001;
  private nextChatId = 1_000_000_001;
  private nextMediaGroup = 13_000_000_000_000;
  readonly telegram: UserRec = {
    kind: "user",
    id: TELEGRAM_USER_ID,
    firstName: "Telegram",
  };
  /** The fake users Telegram shows as `from` of messages sent on behalf of a chat. */
  readonly groupAnonymousBot: FakeBot = fakeBot(
    GROUP_ANONYMOUS_BOT_ID,
    "Group",
    "GroupAnonymousBot",
  );
  readonly channelBot: FakeBot = fakeBot(CHANNEL_BOT_ID, "Channel", "Channel_Bot");

  /** Observers of every new message (benchmarks time deliveries with it). */
  readonly observers = new Set<(m: MsgRec) => void>();

  constructor(readonly opts: WorldOptions) {
    this.users.set(TELEGRAM_USER_ID, this.telegram);
  }

  /** Unix seconds now. */
  now(): number {
    return this.opts.unixNow();
  }

  // ---- accounts and chats ----

  /** Creates a user. */
  addUser(u: Omit<UserRec, "kind" | "id"> & { id?: number }): UserRec {
    const rec: UserRec = { kind: "user", ...u, id: u.id ?? this.nextUserId++ };
    this.users.set(rec.id, rec);
    return rec;
  }

  /** Creates a bot with token "<id>:<secret>". */
  addBot(
    b: { username: string; firstName?: string; privacy?: boolean; id?: number; token?: string },
  ): BotRec {
    const id = b.id ?? this.nextBotId++;
    const bot: BotRec = {
      kind: "bot",
      id,
      token: b.token ?? `${id}:AA${rand(33)}`,
      firstName: b.firstName ?? b.username,
      username: b.username,
      privacy: b.privacy ?? true,
      updates: undefined as unknown as BotUpdates,
      commands: new Map(),
      texts: new Map(),
      fileIds: new Map(),
      calls: [],
    };
    const reply: WebhookReplyHandler | undefined = this.opts.onWebhookReply
      ? (body) => this.opts.onWebhookReply!(bot, body)
      : undefined;
    bot.updates = new BotUpdates(this.opts.clock, this.opts.timers, this.opts.unixNow, reply);
    this.bots.set(id, bot);
    this.botsByToken.set(bot.token, bot);
    return bot;
  }

  /** Creates a supergroup or channel (id -100...). */
  addChat(c: {
    type: "supergroup" | "channel";
    title: string;
    username?: string;
    ownerId: number;
    forum?: boolean;
    protectedContent?: boolean;
  }): ChatRec {
    const id = -(1_000_000_000_000 + this.nextChatId++);
    const chat: ChatRec = {
      id,
      type: c.type,
      title: c.title,
      username: c.username,
      isForum: c.forum ?? false,
      protectedContent: c.protectedContent ?? false,
      ownerId: c.ownerId,
      members: new Map([[c.ownerId, { status: "creator" }]]),
      messages: new Map(),
      nextMessageId: 1,
    };
    this.chats.set(id, chat);
    if (c.username) this.chatsByUsername.set(c.username.toLowerCase(), chat);
    return chat;
  }

  /** The private chat of a user and a bot, created on demand. */
  privateChat(userId: number, botId: number, create = false): ChatRec | undefined {
    const key = `${userId}:${botId}`;
    let chat = this.privateChats.get(key);
    if (!chat && create) {
      chat = {
        id: userId,
        type: "private",
        isForum: false,
        protectedContent: false,
        members: new Map(),
        messages: new Map(),
        nextMessageId: 1,
        userId,
        botId,
        started: false,
        blocked: false,
      };
      this.privateChats.set(key, chat);
    }
    return chat;
  }

  actor(id: number): UserRec | BotRec | undefined {
    return this.users.get(id) ?? this.bots.get(id);
  }

  memberStatus(chat: ChatRec, id: number): MemberRec {
    return chat.members.get(id) ?? { status: "left" };
  }

  // ---- files ----

  /** Registers a new file. */
  addFile(kind: FileKind, f: Partial<FileRec> & { size: number }): FileRec {
    const n = this.seq++;
    const [dir, ext] = FILE_DIR[kind];
    const name = f.fileName?.includes(".")
      ? f.fileName.slice(f.fileName.lastIndexOf("."))
      : `.${ext}`;
    const rec: FileRec = {
      ...f,
      uid: `AQAD${n.toString(36)}${rand(6)}`,
      kind,
      path: `${dir}/file_${n}${name}`,
    };
    this.files.set(rec.uid, rec);
    this.filePaths.set(rec.path, rec);
    const t = THUMB_SIZE[kind];
    if (t && !rec.thumb) {
      rec.thumb = this.addFile("photo", { size: 4_000, width: t[0], height: t[1], isThumb: true });
    }
    return rec;
  }

  /** A photo with three sizes; the largest has the given size (and bytes). */
  addPhoto(size: number, bytes?: Uint8Array, w = 1280, h = 960): FileRec {
    const small = this.addFile("photo", { size: Math.min(size, 1_500), width: 90, height: 68 });
    const mid = this.addFile("photo", { size: Math.min(size, 20_000), width: 320, height: 240 });
    const big = this.addFile("photo", { size, bytes, width: w, height: h });
    const sizes = [small, mid, big];
    for (const s of sizes) s.sizes = sizes;
    return big;
  }

  /** This bot's file_id for a file (stable per bot). */
  fileIdFor(bot: BotRec, file: FileRec): string {
    let id = bot.fileIds.get(file.uid);
    if (!id) {
      id = `${FILE_PREFIX[file.kind]}${bot.id.toString(36)}${file.uid.slice(4)}${rand(12)}`;
      bot.fileIds.set(file.uid, id);
      this.fileIds.set(id, { botId: bot.id, file });
    }
    return id;
  }

  // ---- messages ----

  /** Stores a message in a chat with the next id. */
  addMessage(chat: ChatRec, m: Omit<MsgRec, "chat" | "id" | "date"> & { date?: number }): MsgRec {
    const msg: MsgRec = {
      ...m,
      chat,
      id: chat.nextMessageId++,
      date: m.date ?? this.now(),
      bornAt: m.date === undefined ? performance.now() : undefined,
    };
    chat.messages.set(msg.id, msg);
    for (const o of this.observers) o(msg);
    return msg;
  }

  /** Age of a message in Telegram seconds (scaled clock; by its date if loaded with one). */
  ageSec(m: MsgRec): number {
    if (m.bornAt === undefined) return this.now() - m.date;
    return this.opts.clock.telegramSec(performance.now() - m.bornAt);
  }

  /** A live (not deleted) message. */
  message(chat: ChatRec, id: number): MsgRec | undefined {
    const m = chat.messages.get(id);
    return m && !m.deleted ? m : undefined;
  }

  /** Whether a live location can still be updated (its live_period has not run out). */
  isLive(m: MsgRec): boolean {
    return m.live !== undefined && performance.now() < m.live.endsAt;
  }

  newMediaGroupId(): string {
    return String(this.nextMediaGroup++);
  }

  /** Thread of a new message that replies to `reply` (supergroups only). */
  threadFor(chat: ChatRec, reply: MsgRec | undefined): number | undefined {
    if (!reply || chat.type !== "supergroup") return undefined;
    return reply.threadId ?? reply.id;
  }

  // ---- rendering ----

  userJson(a: UserRec | BotRec | FakeBot): Record<string, unknown> {
    const o: Record<string, unknown> = {
      id: a.id,
      is_bot: a.kind === "bot",
      first_name: a.firstName,
    };
    if (a.kind === "user") {
      if (a.lastName) o.last_name = a.lastName;
      if (a.username) o.username = a.username;
      if (a.languageCode) o.language_code = a.languageCode;
    } else o.username = a.username;
    return o;
  }

  /** Chat object as a bot sees it. */
  chatJson(chat: ChatRec): Record<string, unknown> {
    if (chat.type === "private") {
      const u = this.users.get(chat.userId!)!;
      const o: Record<string, unknown> = { id: u.id, type: "private", first_name: u.firstName };
      if (u.lastName) o.last_name = u.lastName;
      if (u.username) o.username = u.username;
      return o;
    }
    const o: Record<string, unknown> = { id: chat.id, type: chat.type, title: chat.title };
    if (chat.username) o.username = chat.username;
    if (chat.isForum) o.is_forum = true;
    return o;
  }

  private fileJson(bot: BotRec, f: FileRec): Record<string, unknown> {
    return { file_id: this.fileIdFor(bot, f), file_unique_id: f.uid, file_size: f.size };
  }

  private mediaJson(bot: BotRec, f: FileRec): Record<string, unknown> {
    const o = this.fileJson(bot, f);
    switch (f.kind) {
      case "video":
      case "animation":
        Object.assign(o, {
          width: f.width ?? 640,
          height: f.height ?? 360,
          duration: f.duration ?? 1,
        });
        break;
      case "audio":
        o.duration = f.duration ?? 1;
        if (f.performer) o.performer = f.performer;
        if (f.title) o.title = f.title;
        break;
      case "voice":
        o.duration = f.duration ?? 1;
        break;
      case "video_note":
        Object.assign(o, { length: f.width ?? 240, duration: f.duration ?? 1 });
        break;
      case "sticker":
        Object.assign(o, {
          type: "regular",
          width: f.width ?? 512,
          height: f.height ?? 512,
          is_animated: false,
          is_video: false,
        });
        if (f.emoji) o.emoji = f.emoji;
        break;
    }
    if (f.fileName && f.kind !== "sticker" && f.kind !== "voice" && f.kind !== "video_note") {
      o.file_name = f.fileName;
    }
    if (f.mimeType && f.kind !== "sticker") o.mime_type = f.mimeType;
    if (f.thumb) o.thumbnail = this.thumbJson(bot, f.thumb);
    return o;
  }

  /** A thumbnail PhotoSize with this bot's own file_id. */
  private thumbJson(bot: BotRec, t: FileRec): Record<string, unknown> {
    return { ...this.fileJson(bot, t), width: t.width, height: t.height };
  }

  /** A message as the Bot API returns it to `bot` (its own file_ids). */
  renderMessage(m: MsgRec, bot: BotRec, withReply = true): Record<string, unknown> {
    const o: Record<string, unknown> = { message_id: m.id };
    const chat = m.chat;
    if (chat.type !== "channel") {
      // Why: a message sent on behalf of a chat has a fake `from` (Client.cpp, messageSenderChat):
      // the group itself -> GroupAnonymousBot, an automatic forward -> Telegram, else Channel_Bot.
      const author = m.senderChatId === chat.id
        ? this.groupAnonymousBot
        : m.isAutomaticForward || m.authorId === TELEGRAM_USER_ID
        ? this.telegram
        : m.senderChatId !== undefined
        ? this.channelBot
        : this.actor(m.authorId);
      if (author) o.from = this.userJson(author);
    }
    if (m.senderChatId !== undefined) {
      const sc = this.chats.get(m.senderChatId);
      if (sc) o.sender_chat = this.chatJson(sc);
    }
    if (m.threadId !== undefined) {
      o.message_thread_id = m.threadId;
      if (chat.isForum) o.is_topic_message = true;
    }
    o.date = m.date;
    o.chat = this.chatJson(chat);
    if (m.forwardOrigin) {
      o.forward_origin = m.forwardOrigin;
    }
    if (m.isAutomaticForward) o.is_automatic_forward = true;
    if (withReply && m.replyToId !== undefined) {
      const r = chat.messages.get(m.replyToId);
      if (r && !r.deleted) o.reply_to_message = this.renderMessage(r, bot, false);
    }
    if (m.editDate) o.edit_date = m.editDate;
    if (m.protect || chat.protectedContent) o.has_protected_content = true;
    if (m.mediaGroupId) o.media_group_id = m.mediaGroupId;
    if (m.text !== undefined) {
      o.text = m.text;
      if (m.entities?.length) o.entities = m.entities;
    }
    const f = m.file;
    if (f) {
      if (m.kind === "photo") {
        o.photo = (f.sizes ?? [f]).map((s) => ({
          ...this.fileJson(bot, s),
          width: s.width,
          height: s.height,
        }));
      } else if (m.kind === "animation") {
        o.animation = this.mediaJson(bot, f);
        // Bot API: "when this field is set, the document field will also be set"
        o.document = this.fileJson(bot, f);
        if (f.thumb) {
          (o.document as Record<string, unknown>).thumbnail = this.thumbJson(bot, f.thumb);
        }
      } else o[m.kind] = this.mediaJson(bot, f);
    }
    if (m.extra) Object.assign(o, m.extra);
    if (m.kind === "location" && m.live && this.isLive(m)) {
      // Why: the Bot API shows live_period (and heading, radius) only while the location is
      // live (Client.cpp JsonLocation: `if (expires_in_ > 0.0)`); a stopped or expired one
      // reads as a plain location.
      const loc: Record<string, unknown> = {
        ...(o.location as object),
        live_period: m.live.period,
      };
      if (m.live.heading) loc.heading = m.live.heading;
      if (m.live.radius) loc.proximity_alert_radius = m.live.radius;
      o.location = loc;
    }
    if (m.service) Object.assign(o, m.service);
    if (m.caption !== undefined) {
      o.caption = m.caption;
      if (m.captionEntities?.length) o.caption_entities = m.captionEntities;
    }
    if (m.replyMarkup) o.reply_markup = m.replyMarkup;
    return o;
  }

  // ---- updates ----

  /** Bots (other than those excluded by rules) that get an update for this message. */
  viewersOf(m: MsgRec): BotRec[] {
    const chat = m.chat;
    const author = this.bots.get(m.authorId);
    const senderIsBot = author !== undefined;
    const text = m.text ?? m.caption;
    const replyTo = m.replyToId !== undefined ? chat.messages.get(m.replyToId) : undefined;
    if (chat.type === "private") {
      const bot = this.bots.get(chat.botId!)!;
      return senderIsBot || chat.blocked ? [] : [bot];
    }
    const out: BotRec[] = [];
    for (const [id, mem] of chat.members) {
      const bot = this.bots.get(id);
      if (!bot) continue;
      const sees = botSeesMessage({
        botId: bot.id,
        botUsername: bot.username,
        privacy: bot.privacy,
        chatType: chat.type,
        status: mem.status,
        senderIsBot,
        text,
        replyToAuthorId: replyTo?.authorId,
      });
      if (sees) out.push(bot);
    }
    return out;
  }

  /** Queues message/channel_post (or edited_*) updates for every bot that sees m. */
  dispatchMessage(m: MsgRec, edited = false): void {
    const base = m.chat.type === "channel" ? "channel_post" : "message";
    const type = edited ? `edited_${base}` : base;
    for (const bot of this.viewersOf(m)) bot.updates.push(type, this.renderMessage(m, bot));
  }

  /** ChatMember object for a member record, as `viewerId` (a bot asking) sees it. */
  memberJson(
    chat: ChatRec,
    id: number,
    mem: MemberRec,
    viewerId?: number,
  ): Record<string, unknown> {
    const a = this.actor(id);
    const user = a ? this.userJson(a) : { id, is_bot: false, first_name: "Deleted Account" };
    switch (mem.status) {
      case "creator":
        return { status: "creator", user, is_anonymous: false };
      case "administrator":
        return {
          status: "administrator",
          user,
          can_be_edited: viewerId !== undefined && mem.promotedBy === viewerId,
          is_anonymous: false,
          ...(mem.rights ?? makeRights(chat.type)),
        };
      case "kicked":
        return { status: "kicked", user, until_date: mem.untilDate ?? 0 };
      case "restricted":
        return { status: "restricted", user, is_member: true, until_date: mem.untilDate ?? 0 };
      default:
        return { status: mem.status, user };
    }
  }

  /**
   * Changes a membership and emits my_chat_member (to a bot whose status changed) and
   * chat_member (to admin bots, when their allowed_updates include it).
   */
  setMember(chat: ChatRec, id: number, mem: MemberRec, byId: number): void {
    const old = this.memberStatus(chat, id);
    if (mem.status === "left") chat.members.delete(id);
    else chat.members.set(id, mem);
    const by = this.actor(byId);
    const from = by ? this.userJson(by) : this.userJson(this.telegram);
    const payload = () => ({
      chat: this.chatJson(chat),
      from,
      date: this.now(),
      old_chat_member: this.memberJson(chat, id, old),
      new_chat_member: this.memberJson(chat, id, mem),
    });
    const bot = this.bots.get(id);
    if (bot) bot.updates.push("my_chat_member", payload());
    for (const [mid, m] of chat.members) {
      const admin = this.bots.get(mid);
      if (!admin || admin.id === id) continue;
      if (m.status !== "administrator" && m.status !== "creator") continue;
      admin.updates.push("chat_member", payload());
    }
  }

  /** Appends to a bot's call log, bounded. */
  logCall(bot: BotRec, e: CallLogEntry): void {
    bot.calls.push(e);
    if (bot.calls.length > LIMITS.callLogMax) {
      bot.calls.splice(0, bot.calls.length - LIMITS.callLogMax);
    }
  }
}

/** A bot record for one of Telegram's fake senders (never a member, never polls). */
function fakeBot(id: number, firstName: string, username: string): FakeBot {
  return { kind: "bot", id, firstName, username };
}
