/**
 * The emulator: the TypeScript control surface used by tests, benchmarks and the demo (the
 * world's setup, what users do, what they see), and the dispatcher of Bot API calls. Its HTTP
 * front is `http.ts`, what users send and see `user_content.ts`, the Bot API methods
 * `methods*.ts`. It stays one file over 400 lines because it is one class, the control
 * surface itself: every method is one thing a test can make a user or the world do (and
 * `CONTROL_METHODS` exposes them over HTTP by name).
 */
import { type Anomaly, AnomalyRecorder } from "./anomalies.ts";
import { ApiError, Described, E } from "./errors.ts";
import { withAutoEntities } from "./entities.ts";
import { Faults } from "./faults.ts";
import { CONTROL_METHODS, handle, record } from "./http.ts";
import {
  type FileSpec,
  type UserContent,
  userContent,
  type ViewMessage,
  viewOf,
} from "./user_content.ts";
import { makeHandlers } from "./handlers.ts";
import type { Api, AutoForwardDelay } from "./methods.ts";
import { Clock, RateLimiter } from "./rules.ts";
import { validateCall } from "./schema.ts";
import { Timers } from "./updates.ts";
import {
  type AdminRights,
  type BotRec,
  type CallLogEntry,
  type ChatRec,
  makeRights,
  type MemberStatus,
  type MsgKind,
  type MsgRec,
  type UserRec,
  World,
} from "./world.ts";

export type { FileSpec, UserContent, ViewMessage };
export { CONTROL_METHODS };

/** Options of startEmulator. */
export interface EmulatorOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one */
  port?: number;
  /** real seconds per Telegram second (default 1); 0.01 makes a Telegram minute 600 ms */
  timeScale?: number;
  /** Telegram's rate limits on (default true) */
  limits?: boolean;
  /** delay of automatic forwards into the linked group, real ms (default {min:0,max:0}) */
  autoForwardDelay?: AutoForwardDelay;
  /** receives log lines (unknown fields, webhook errors) */
  log?: (line: string) => void;
  /** source of message dates in ms (default Date.now) */
  now?: () => number;
  /**
   * Which webhook URLs setWebhook accepts. "telegram" (default): https on ports 443, 80, 88 or
   * 8443 only, as Telegram. "any": also https on any port and plain http to 127.0.0.1 or
   * localhost on any port, for receivers a test starts on a random local port.
   */
  webhookPorts?: "telegram" | "any";
}

/** Options of a user's message. */
export interface UserSendOptions {
  /** message id in the same chat to reply to */
  replyTo?: number;
  /** forum topic id (forum supergroups only) */
  threadId?: number;
  /** in a group: sent by the user as an anonymous admin (owner or administrator) */
  asAnonymousAdmin?: boolean;
  /** in a group: sent on behalf of a channel the user owns or administers */
  asChannel?: number;
}

/** Where a forwarded message comes from (MessageOrigin kinds). */
export type ForwardOriginSpec =
  | { type: "user"; userId: number; date?: number }
  | { type: "hidden_user"; senderUserName: string; date?: number }
  | { type: "chat"; chatId: number; authorSignature?: string; date?: number }
  | { type: "channel"; chatId: number; messageId: number; authorSignature?: string; date?: number };

/** Reference to a message created through the control surface. */
export interface SentRef {
  chatId: number;
  messageId: number;
  mediaGroupId?: string;
}

/** The running emulator. */
export class Emulator {
  readonly world: World;
  readonly clock: Clock;
  readonly limiter: RateLimiter;
  readonly faults = new Faults();
  /** reactions per "chat:bot:message:user" key, for old_reaction in message_reaction */
  private reactions = new Map<string, string[]>();
  /** ignored parameters and thread ids sent outside a forum (see anomalies()) */
  readonly anomalyLog = new AnomalyRecorder();
  /** "http://127.0.0.1:PORT"; grammY: new Bot(token, {client: {apiRoot: emu.apiRoot}}) */
  apiRoot = "";
  private timers = new Timers();
  private api: Api;
  private server?: Deno.HttpServer<Deno.NetAddr>;
  private autoForward: AutoForwardDelay;
  private log: (line: string) => void;

  constructor(opts: EmulatorOptions = {}) {
    this.clock = new Clock(opts.timeScale ?? 1);
    this.limiter = new RateLimiter(this.clock);
    this.limiter.enabled = opts.limits ?? true;
    this.autoForward = opts.autoForwardDelay ?? { min: 0, max: 0 };
    this.log = opts.log ?? (() => {});
    const now = opts.now ?? Date.now;
    this.world = new World({
      clock: this.clock,
      timers: this.timers,
      unixNow: () => Math.floor(now() / 1000),
      onWebhookReply: (bot, body) => {
        const { method, ...params } = body;
        void this.call(bot, String(method), params).then((r) => {
          if (!r.ok) this.log(`webhook reply ${String(method)} failed: ${r.description}`);
        });
      },
    });
    this.api = makeHandlers({
      world: this.world,
      limiter: this.limiter,
      clock: this.clock,
      timers: this.timers,
      autoForwardDelay: () => this.autoForward,
      webhookPorts: opts.webhookPorts ?? "telegram",
    });
  }

  /** Current time scale (real seconds per Telegram second). */
  get timeScale(): number {
    return this.clock.timeScale;
  }

  /** Real milliseconds to wait for a retry_after of n (Telegram seconds). */
  retryAfterMs(n: number): number {
    return this.clock.realMs(n);
  }

  /** Starts the HTTP server. */
  listen(port = 0): Promise<void> {
    return new Promise((resolve) => {
      this.server = Deno.serve({
        hostname: "127.0.0.1",
        port,
        onListen: (addr) => {
          this.apiRoot = `http://127.0.0.1:${addr.port}`;
          resolve();
        },
      }, (req) => handle(this, req));
    });
  }

  /** Stops the server, pending polls, webhook deliveries and timers. */
  async close(): Promise<void> {
    this.timers.clear();
    for (const b of this.world.bots.values()) b.updates.stop();
    await this.server?.shutdown();
  }

  /** Runs one Bot API call for a bot (also used for webhook replies). */
  async call(
    bot: BotRec,
    method: string,
    params: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<
    { ok: true; result: unknown; description?: string } | {
      ok: false;
      error_code: number;
      description: string;
      parameters?: unknown;
    }
  > {
    let unknown: string[] | undefined;
    let name = method;
    try {
      const v = validateCall(method, params, (p) => (unknown ??= []).push(p));
      name = v.method;
      if (unknown) {
        this.log(`${bot.username} ${name}: unknown fields ${unknown.join(", ")}`);
        for (const field of unknown) {
          this.anomalyLog.record({ method: name, botId: bot.id, kind: "ignored_parameter", field });
        }
      }
      const handler = this.api.handlers.get(name);
      if (!handler) throw new ApiError(501, E.notImplemented);
      const canonical = name;
      const anomaly = (kind: Anomaly["kind"], field: string) =>
        this.anomalyLog.record({ method: canonical, botId: bot.id, kind, field });
      let result = handler({ bot, params: v.params, signal, anomaly });
      if (result instanceof Promise) result = await result;
      record(this.world, bot, name, params, undefined, unknown);
      if (result instanceof Described) {
        return { ok: true, result: result.result, description: result.description };
      }
      return { ok: true, result };
    } catch (e) {
      let err: ApiError;
      if (e instanceof ApiError) err = e;
      else {
        this.log(`internal error in ${name}: ${e instanceof Error ? e.stack : String(e)}`);
        err = new ApiError(500, "Internal Server Error");
      }
      record(this.world, bot, name, params, err, unknown);
      const body: {
        ok: false;
        error_code: number;
        description: string;
        parameters?: unknown;
      } = { ok: false, error_code: err.code, description: err.description };
      if (err.parameters) body.parameters = err.parameters;
      return body;
    }
  }

  // ------------------------------------------------------------------ control surface

  /**
   * Creates a bot; token is "<id>:<secret>" (a fixed `token` gives the bot the id before its
   * colon). Privacy mode is on by default.
   */
  createBot(o: { username: string; firstName?: string; privacy?: boolean; token?: string }): {
    id: number;
    token: string;
    username: string;
  } {
    let id: number | undefined;
    if (o.token !== undefined) {
      const m = /^([1-9][0-9]{0,15}):[A-Za-z0-9_-]+$/.exec(o.token);
      if (!m) throw new Error(`token must look like "<id>:<secret>", got "${o.token}"`);
      id = Number(m[1]);
      if (this.world.actor(id)) throw new Error(`token: id ${id} is already used`);
    }
    const b = this.world.addBot({ ...o, id });
    return { id: b.id, token: b.token, username: b.username };
  }

  /** Changes a bot's privacy mode (as @BotFather /setprivacy). */
  setPrivacy(botId: number, privacy: boolean): void {
    this.bot(botId).privacy = privacy;
  }

  /** Creates a user. */
  createUser(
    o: { firstName: string; lastName?: string; username?: string; languageCode?: string },
  ): {
    id: number;
    firstName: string;
    lastName?: string;
    username?: string;
  } {
    const u = this.world.addUser(o);
    return { id: u.id, firstName: u.firstName, lastName: u.lastName, username: u.username };
  }

  /** Creates a channel owned by a user; no username = private channel. */
  createChannel(
    o: { title: string; username?: string; ownerId: number; protectedContent?: boolean },
  ): {
    id: number;
  } {
    this.user(o.ownerId);
    return { id: this.world.addChat({ ...o, type: "channel" }).id };
  }

  /** Creates a supergroup (forum or not) owned by a user. */
  createGroup(o: {
    title: string;
    ownerId: number;
    forum?: boolean;
    username?: string;
    protectedContent?: boolean;
  }): { id: number } {
    this.user(o.ownerId);
    return { id: this.world.addChat({ ...o, type: "supergroup" }).id };
  }

  /** Makes a group the discussion group of a channel (both get linked_chat_id). */
  linkDiscussion(channelId: number, groupId: number): void {
    const ch = this.chat(channelId);
    const gr = this.chat(groupId);
    if (ch.type !== "channel" || gr.type !== "supergroup") {
      throw new Error("need a channel and a supergroup");
    }
    // Why: a channel has one discussion group and a group one channel; choosing another one
    // unlinks the old pair (getChat then shows no linked_chat_id there).
    this.unlink(ch);
    this.unlink(gr);
    ch.linkedChatId = gr.id;
    gr.linkedChatId = ch.id;
  }

  /**
   * The channel's owner removes its discussion group: neither chat has linked_chat_id any more
   * and new posts are no longer forwarded automatically.
   */
  unlinkDiscussion(channelId: number): void {
    const ch = this.chat(channelId);
    if (ch.type !== "channel") throw new Error("need a channel");
    this.unlink(ch);
  }

  /**
   * Time travel for one chat: every message in it so far becomes `sec` Telegram seconds older
   * (their dates too), so rules that depend on a message's age (deleteMessage's 48 hours) can
   * be tried without waiting.
   */
  ageMessages(chatId: number, sec: number): void {
    for (const m of this.chat(chatId).messages.values()) {
      m.date -= sec;
      if (m.bornAt !== undefined) m.bornAt -= this.clock.realMs(sec);
    }
  }

  /** The owner turns "Restrict saving content" on or off (getChat has_protected_content). */
  setProtectedContent(chatId: number, on: boolean): void {
    const chat = this.chat(chatId);
    if (chat.type === "private") throw new Error("need a group or channel");
    chat.protectedContent = on;
  }

  /**
   * The owner makes a channel or group public (`username`, reachable as `@username`) or private
   * again (`null`: the old @username stops resolving; chat_id by number still works).
   */
  setChatUsername(chatId: number, username: string | null): void {
    const chat = this.chat(chatId);
    if (chat.type === "private") throw new Error("need a group or channel");
    if (username !== null && !/^[A-Za-z][A-Za-z0-9_]{3,31}$/.test(username)) {
      throw new Error(`not a valid public username: ${username}`);
    }
    if (chat.username) this.world.chatsByUsername.delete(chat.username.toLowerCase());
    if (username === null) delete chat.username;
    else {
      if (this.world.chatsByUsername.has(username.toLowerCase())) {
        throw new Error(`username @${username} is taken`);
      }
      chat.username = username;
      this.world.chatsByUsername.set(username.toLowerCase(), chat);
    }
  }

  /** The owner turns topics on or off in a supergroup (is_forum in getChat and messages). */
  setForum(groupId: number, on: boolean): void {
    const chat = this.chat(groupId);
    if (chat.type !== "supergroup") throw new Error("need a supergroup");
    chat.isForum = on;
  }

  private unlink(c: ChatRec): void {
    if (c.linkedChatId === undefined) return;
    const other = this.world.chats.get(c.linkedChatId);
    if (other?.linkedChatId === c.id) other.linkedChatId = undefined;
    c.linkedChatId = undefined;
  }

  /**
   * Sets the membership of a user or bot in a group/channel (status "administrator" takes
   * rights, defaults: all usual admin rights). Emits my_chat_member / chat_member.
   */
  setMember(
    chatId: number,
    memberId: number,
    o: { status: Exclude<MemberStatus, "creator">; rights?: Partial<AdminRights>; byId?: number },
  ): void {
    const chat = this.chat(chatId);
    if (!this.world.actor(memberId)) throw new Error(`no user or bot ${memberId}`);
    if (chat.type === "channel" && this.world.bots.has(memberId) && o.status === "member") {
      throw new Error("bots can only be administrators of channels");
    }
    const rights = o.status === "administrator" ? makeRights(chat.type, o.rights) : undefined;
    const by = o.byId ?? chat.ownerId!;
    const promotedBy = o.status === "administrator" ? by : undefined;
    this.world.setMember(chat, memberId, { status: o.status, rights, promotedBy }, by);
  }

  /** The user sends "/start" to the bot (opens the private chat). */
  userStartBot(userId: number, botId: number, payload?: string): SentRef {
    return this.userSend(userId, botId, { text: payload ? `/start ${payload}` : "/start" });
  }

  /**
   * A user sends a message: to a bot's private chat (chatId = the bot's id), to a group, or
   * to a channel (as its admin).
   */
  userSend(userId: number, chatId: number, content: UserContent, o: UserSendOptions = {}): SentRef {
    const chat = this.userChat(userId, chatId, true);
    const m = this.userPost(userId, chat, userContent(this.world, content, chat, userId), o);
    this.world.dispatchMessage(m);
    this.api.afterPosts([m]);
    return { chatId: chat.type === "private" ? chat.botId! : chat.id, messageId: m.id };
  }

  /** A user sends an album: separate messages sharing a media_group_id. */
  userSendAlbum(
    userId: number,
    chatId: number,
    items: UserContent[],
    o: UserSendOptions = {},
  ): SentRef[] {
    if (items.length < 2 || items.length > 10) throw new Error("an album has 2-10 items");
    const chat = this.userChat(userId, chatId, true);
    const group = this.world.newMediaGroupId();
    const msgs = items.map((it) =>
      this.userPost(userId, chat, { ...userContent(this.world, it), mediaGroupId: group }, o)
    );
    for (const m of msgs) this.world.dispatchMessage(m);
    this.api.afterPosts(msgs);
    const cid = chat.type === "private" ? chat.botId! : chat.id;
    return msgs.map((m) => ({ chatId: cid, messageId: m.id, mediaGroupId: group }));
  }

  /** A user comments under a channel post (replies to its automatic forward). */
  userComment(userId: number, channelId: number, postId: number, content: UserContent): SentRef {
    const post = this.world.message(this.chat(channelId), postId);
    if (!post?.autoForward) throw new Error(`post ${postId} has no discussion thread (yet)`);
    return this.userSend(userId, post.autoForward.chatId, content, {
      replyTo: post.autoForward.messageId,
    });
  }

  /** A user edits their message's text or caption (bots get edited_message). */
  userEdit(userId: number, chatId: number, messageId: number, textOrCaption: string): void {
    const chat = this.userChat(userId, chatId, false);
    const m = this.world.message(chat, messageId);
    if (!m || m.authorId !== userId) throw new Error("message not found or not the user's");
    const f = withAutoEntities(textOrCaption, []);
    if (m.text !== undefined) Object.assign(m, { text: textOrCaption, entities: f });
    else Object.assign(m, { caption: textOrCaption, captionEntities: f });
    m.editDate = this.world.now();
    this.world.dispatchMessage(m, true);
  }

  /**
   * A user deletes a message (bots get no update, as on Telegram): their own anywhere, and in
   * a private chat with a bot also the bot's (Telegram deletes private messages for both sides).
   */
  userDelete(userId: number, chatId: number, messageId: number): void {
    const chat = this.userChat(userId, chatId, false);
    const m = this.world.message(chat, messageId);
    if (!m || (m.authorId !== userId && chat.type !== "private")) {
      throw new Error("message not found or not the user's");
    }
    m.deleted = true;
  }

  /**
   * A user shares a live location (`live_period` 60..86400 Telegram seconds, or 0x7FFFFFFF for
   * "until stopped"); bots get a message whose location has live_period while it is live.
   */
  userSendLiveLocation(
    userId: number,
    chatId: number,
    loc: { latitude: number; longitude: number; livePeriod: number; heading?: number },
    o: UserSendOptions = {},
  ): SentRef {
    const p = loc.livePeriod;
    if (p !== 0x7FFFFFFF && (!(p >= 60) || p > 86400)) {
      throw new Error("livePeriod must be 60-86400 or 0x7FFFFFFF");
    }
    const chat = this.userChat(userId, chatId, true);
    const m = this.userPost(userId, chat, {
      kind: "location",
      extra: { location: { latitude: loc.latitude, longitude: loc.longitude } },
      live: {
        period: p,
        endsAt: p === 0x7FFFFFFF ? Infinity : performance.now() + this.clock.realMs(p),
        heading: loc.heading,
      },
    }, o);
    this.world.dispatchMessage(m);
    this.api.afterPosts([m]);
    return { chatId: chat.type === "private" ? chat.botId! : chat.id, messageId: m.id };
  }

  /**
   * The user's device moves a live location: bots get edited_message with the new position
   * and edit_date (as Telegram sends each update of a live location).
   */
  userMoveLiveLocation(
    userId: number,
    chatId: number,
    messageId: number,
    loc: { latitude: number; longitude: number; heading?: number },
  ): void {
    const m = this.ownLive(userId, chatId, messageId);
    m.extra = { ...m.extra, location: { latitude: loc.latitude, longitude: loc.longitude } };
    if (loc.heading !== undefined) m.live = { ...m.live!, heading: loc.heading || undefined };
    m.editDate = this.world.now();
    this.world.dispatchMessage(m, true);
  }

  /**
   * The user stops sharing: bots get a last edited_message whose location has no live_period
   * (the Bot API omits it once the location is no longer live).
   */
  userStopLiveLocation(userId: number, chatId: number, messageId: number): void {
    const m = this.ownLive(userId, chatId, messageId);
    m.live = { ...m.live!, endsAt: performance.now() };
    m.editDate = this.world.now();
    this.world.dispatchMessage(m, true);
  }

  /**
   * A user replaces the media of their message (photo, video, animation, audio or document,
   * optionally with a new caption): bots get edited_message with the new file, whose file_id
   * is their own.
   */
  userReplaceMedia(userId: number, chatId: number, messageId: number, content: UserContent): void {
    const chat = this.userChat(userId, chatId, false);
    const m = this.world.message(chat, messageId);
    if (!m || m.authorId !== userId) throw new Error("message not found or not the user's");
    const MEDIA: MsgKind[] = ["photo", "video", "animation", "audio", "document"];
    if (!MEDIA.includes(m.kind)) throw new Error("only a photo, video or file can be replaced");
    const body = userContent(this.world, content);
    if (!MEDIA.includes(body.kind!)) {
      throw new Error("the new media must be a photo, video or file");
    }
    Object.assign(m, {
      kind: body.kind,
      file: body.file,
      caption: body.caption,
      captionEntities: body.captionEntities,
    });
    m.editDate = this.world.now();
    this.world.dispatchMessage(m, true);
  }

  /**
   * The user clears their private chat with a bot (deleting it for both sides): every message
   * is gone, the bot gets no update; its later edits, copies, forwards and replies fail.
   */
  userClearChat(userId: number, botId: number): void {
    this.user(userId);
    this.bot(botId);
    const chat = this.world.privateChat(userId, botId);
    if (!chat) return;
    for (const m of chat.messages.values()) m.deleted = true;
  }

  /**
   * A member deletes a message in a group or channel: their own, or anyone's as the owner or an
   * administrator with can_delete_messages. Bots get no update (Telegram sends none).
   */
  memberDelete(userId: number, chatId: number, messageId: number): void {
    this.user(userId);
    const chat = this.chat(chatId);
    const m = this.world.message(chat, messageId);
    if (!m) throw new Error(`message ${messageId} not found`);
    const mem = this.world.memberStatus(chat, userId);
    const may = mem.status === "creator" ||
      (mem.status === "administrator" && (mem.rights?.can_delete_messages ?? true)) ||
      (m.authorId === userId && chat.type !== "channel");
    if (!may) throw new Error(`user ${userId} can't delete message ${messageId} here`);
    m.deleted = true;
  }

  /**
   * A user presses an inline button; the bot that sent the message gets callback_query.
   * Returns the callback query id (see callbackAnswer).
   */
  userPressButton(
    userId: number,
    chatId: number,
    messageId: number,
    callbackData: string,
    o: { forged?: boolean } = {},
  ): string {
    const chat = this.userChat(userId, chatId, false);
    const m = this.world.message(chat, messageId);
    if (!m) throw new Error(`message ${messageId} not found`);
    const kb = (m.replyMarkup as { inline_keyboard?: { callback_data?: string }[][] } | undefined)
      ?.inline_keyboard;
    // a modified client (MTProto) can send any callback data: `forged` models that attack
    if (!o.forged && !kb?.some((row) => row.some((b) => b.callback_data === callbackData))) {
      throw new Error(`message ${messageId} has no button with callback_data ${callbackData}`);
    }
    const bot = this.world.bots.get(m.authorId);
    if (!bot) throw new Error("message was not sent by a bot");
    const id = `${bot.id}${Date.now()}${Math.floor(Math.random() * 1e6)}`;
    this.world.callbackQueries.set(id, { botId: bot.id, userId, created: performance.now() });
    bot.updates.push("callback_query", {
      id,
      from: this.world.userJson(this.user(userId)),
      message: this.world.renderMessage(m, bot),
      chat_instance: String(Math.abs(chat.id * 31 + bot.id)),
      data: callbackData,
    });
    return id;
  }

  /** How the bot answered a callback query (undefined until answerCallbackQuery). */
  callbackAnswer(queryId: string): Record<string, unknown> | undefined {
    return this.world.callbackQueries.get(queryId)?.answered;
  }

  /** The user blocks the bot: my_chat_member (kicked); sends then fail with 403. */
  userBlockBot(userId: number, botId: number): void {
    this.setBlocked(userId, botId, true);
  }

  /** The user unblocks the bot: my_chat_member (member). */
  userUnblockBot(userId: number, botId: number): void {
    this.setBlocked(userId, botId, false);
  }

  /** A user joins a group/channel by an invite link made with createChatInviteLink. */
  userJoinByLink(userId: number, link: string): { chatId: number } {
    const l = this.world.inviteLinks.get(link);
    if (!l || l.revoked) throw new Error("INVITE_HASH_INVALID");
    if (l.expire !== undefined && l.expire <= this.world.now()) {
      throw new Error("INVITE_HASH_EXPIRED");
    }
    if (l.limit !== undefined && l.used >= l.limit) throw new Error("USERS_TOO_MUCH");
    const chat = this.chat(l.chatId);
    const st = this.world.memberStatus(chat, userId).status;
    if (st === "kicked") throw new Error("USER_BANNED_IN_CHANNEL");
    if (st !== "left") throw new Error("USER_ALREADY_PARTICIPANT");
    l.used++;
    this.world.setMember(chat, userId, { status: "member" }, userId);
    return { chatId: chat.id };
  }

  /** A user leaves a group/channel. */
  userLeave(userId: number, chatId: number): void {
    this.world.setMember(this.chat(chatId), userId, { status: "left" }, userId);
  }

  /**
   * A user forwards a message (content) from elsewhere to a bot or group; bots see forward_origin
   * of the given kind: user, hidden_user (the sender hides their account), chat or channel.
   */
  userForward(
    userId: number,
    chatId: number,
    origin: ForwardOriginSpec,
    content: UserContent,
  ): SentRef {
    const w = this.world;
    const date = origin.date ?? w.now();
    let fo: Record<string, unknown>;
    switch (origin.type) {
      case "user":
        fo = { type: "user", sender_user: w.userJson(this.user(origin.userId)), date };
        break;
      case "hidden_user":
        if (!origin.senderUserName) throw new Error("senderUserName is required");
        fo = { type: "hidden_user", sender_user_name: origin.senderUserName, date };
        break;
      case "chat": {
        const c = this.chat(origin.chatId);
        if (c.type === "private") throw new Error("a chat origin is a group or channel");
        fo = { type: "chat", sender_chat: w.chatJson(c), date };
        if (origin.authorSignature) fo.author_signature = origin.authorSignature;
        break;
      }
      case "channel": {
        const c = this.chat(origin.chatId);
        if (c.type !== "channel") throw new Error("a channel origin needs a channel");
        fo = { type: "channel", chat: w.chatJson(c), message_id: origin.messageId, date };
        if (origin.authorSignature) fo.author_signature = origin.authorSignature;
        break;
      }
      default:
        throw new Error("unknown origin type");
    }
    const chat = this.userChat(userId, chatId, true);
    const m = this.userPost(userId, chat, {
      ...userContent(this.world, content),
      forwardOrigin: fo,
    }, {});
    w.dispatchMessage(m);
    this.api.afterPosts([m]);
    return { chatId: chat.type === "private" ? chat.botId! : chat.id, messageId: m.id };
  }

  /**
   * A user sets their reactions on a message (emoji list, [] removes them): message_reaction
   * goes to the bot of a private chat, or to the group's administrator bots, when their
   * allowed_updates include it. Channel reactions are anonymous and not emulated.
   */
  userReact(userId: number, chatId: number, messageId: number, emojis: string[]): void {
    const w = this.world;
    const chat = this.userChat(userId, chatId, false);
    if (chat.type === "channel") throw new Error("channel reactions are anonymous: not emulated");
    const st = w.memberStatus(chat, userId).status;
    if (chat.type !== "private" && st !== "creator" && st !== "administrator" && st !== "member") {
      throw new Error(`user ${userId} is not a member of chat ${chatId}`);
    }
    if (!w.message(chat, messageId)) throw new Error(`message ${messageId} not found`);
    const key = `${chat.id}:${chat.botId ?? ""}:${messageId}:${userId}`;
    const old = this.reactions.get(key) ?? [];
    if (emojis.length) this.reactions.set(key, [...emojis]);
    else this.reactions.delete(key);
    const types = (l: string[]) => l.map((emoji) => ({ type: "emoji", emoji }));
    const payload = () => ({
      chat: w.chatJson(chat),
      message_id: messageId,
      user: w.userJson(this.user(userId)),
      date: w.now(),
      old_reaction: types(old),
      new_reaction: types(emojis),
    });
    const bots: BotRec[] = [];
    if (chat.type === "private") {
      if (!chat.blocked) bots.push(this.bot(chat.botId!));
    } else {
      for (const [id, mem] of chat.members) {
        const b = w.bots.get(id);
        if (b && (mem.status === "administrator" || mem.status === "creator")) bots.push(b);
      }
    }
    for (const b of bots) b.updates.push("message_reaction", payload());
  }

  /** What a user sees in a chat (chatId = bot id for the private chat with that bot). */
  view(userId: number, chatId: number): ViewMessage[] {
    const chat = this.userChat(userId, chatId, false);
    const out: ViewMessage[] = [];
    for (const m of chat.messages.values()) if (!m.deleted) out.push(viewOf(this.world, m, userId));
    return out;
  }

  /** The messages of a comment thread (root included), as a human sees them. */
  threadView(groupId: number, rootId: number): ViewMessage[] {
    const chat = this.chat(groupId);
    const out: ViewMessage[] = [];
    for (const m of chat.messages.values()) {
      if (!m.deleted && (m.id === rootId || m.threadId === rootId)) {
        out.push(viewOf(this.world, m, 0));
      }
    }
    return out;
  }

  /** Waits until cond() is truthy (polling every few ms) or throws after timeoutMs. */
  async waitFor<T>(
    cond: () => T | Promise<T>,
    o: { timeoutMs?: number; intervalMs?: number } = {},
  ): Promise<NonNullable<T>> {
    const deadline = performance.now() + (o.timeoutMs ?? 5000);
    for (;;) {
      const v = await cond();
      if (v) return v as NonNullable<T>;
      if (performance.now() > deadline) {
        throw new Error(`waitFor: timed out after ${o.timeoutMs ?? 5000} ms`);
      }
      await new Promise((r) => setTimeout(r, o.intervalMs ?? 5));
    }
  }

  /** Waits for a message in a user's view of a chat matching pred. */
  waitForMessage(
    userId: number,
    chatId: number,
    pred: (m: ViewMessage) => boolean,
    o: { timeoutMs?: number } = {},
  ): Promise<ViewMessage> {
    return this.waitFor(() => this.view(userId, chatId).find(pred), o);
  }

  /**
   * Calls `cb` for every new message anywhere (sent by users, bots or Telegram) as the
   * owner of the chat would see it; returns a function that stops it.
   */
  onMessage(
    cb: (
      m: { chatId: number; messageId: number; authorId: number; text?: string; threadId?: number },
    ) => void,
  ): () => void {
    const o = (m: MsgRec) =>
      cb({
        chatId: m.chat.id,
        messageId: m.id,
        authorId: m.authorId,
        ...(m.text ?? m.caption ? { text: m.text ?? m.caption } : {}),
        ...(m.threadId !== undefined ? { threadId: m.threadId } : {}),
      });
    this.world.observers.add(o);
    return () => this.world.observers.delete(o);
  }

  /** Whether the bot has a getUpdates call waiting (it is polling and idle). */
  isPolling(botId: number): boolean {
    return this.bot(botId).updates.polling;
  }

  /** The call log of a bot (oldest first, bounded). */
  calls(botId: number): CallLogEntry[] {
    return this.bot(botId).calls;
  }

  /**
   * Anomalies recorded so far, oldest first: parameters a method does not have (ignored, as
   * Telegram ignores them) and message_thread_id sent to a chat without topics.
   */
  anomalies(): Anomaly[] {
    return this.anomalyLog.all();
  }

  /** Forgets the recorded anomalies. */
  clearAnomalies(): void {
    this.anomalyLog.clear();
  }

  /** How many 429 answers a bot (or all bots) got. */
  tooManyRequests(botId?: number): number {
    if (botId !== undefined) return this.limiter.tooMany.get(botId) ?? 0;
    let n = 0;
    for (const v of this.limiter.tooMany.values()) n += v;
    return n;
  }

  /** Switches Telegram's rate limits on or off. */
  setLimits(on: boolean): void {
    if (on && !this.limiter.enabled) this.limiter.reset();
    this.limiter.enabled = on;
  }

  /** Sets the delay of automatic forwards (real ms, or "before-return"). */
  setAutoForwardDelay(d: AutoForwardDelay): void {
    this.autoForward = d;
  }

  /** Makes the next matching calls fail (see FaultSpec). */
  failNext(spec: Parameters<Faults["failNext"]>[0]): void {
    this.faults.failNext(spec);
  }

  /** Removes the faults not yet used up (a test's outage is over). */
  clearFaults(): void {
    this.faults.clear();
  }

  /** The automatic forward (thread root) of a channel post, once it exists. */
  threadRootOf(
    channelId: number,
    postId: number,
  ): { groupId: number; messageId: number } | undefined {
    const p = this.world.message(this.chat(channelId), postId);
    return p?.autoForward
      ? { groupId: p.autoForward.chatId, messageId: p.autoForward.messageId }
      : undefined;
  }

  // ------------------------------------------------------------------ helpers

  private bot(id: number): BotRec {
    const b = this.world.bots.get(id);
    if (!b) throw new Error(`no bot ${id}`);
    return b;
  }
  private user(id: number): UserRec {
    const u = this.world.users.get(id);
    if (!u) throw new Error(`no user ${id}`);
    return u;
  }
  private chat(id: number): ChatRec {
    const c = this.world.chats.get(id);
    if (!c) throw new Error(`no chat ${id}`);
    return c;
  }

  /** The chat a user addresses: a bot id means their private chat with that bot. */
  private userChat(userId: number, chatId: number, sending: boolean): ChatRec {
    this.user(userId);
    if (this.world.bots.has(chatId)) {
      const pc = this.world.privateChat(userId, chatId, sending)!;
      if (!pc) throw new Error(`user ${userId} has no chat with bot ${chatId}`);
      if (sending) {
        if (pc.blocked) throw new Error("the user blocked this bot; unblock it first");
        pc.started = true;
      }
      return pc;
    }
    const chat = this.chat(chatId);
    if (sending) {
      const mem = this.world.memberStatus(chat, userId);
      const ok = chat.type === "channel"
        ? mem.status === "creator" ||
          (mem.status === "administrator" && mem.rights?.can_post_messages)
        : mem.status === "creator" || mem.status === "administrator" || mem.status === "member";
      if (!ok) throw new Error(`user ${userId} can't post in chat ${chatId}`);
    }
    return chat;
  }

  private userPost(
    userId: number,
    chat: ChatRec,
    body: Partial<MsgRec>,
    o: UserSendOptions,
  ): MsgRec {
    let replyToId: number | undefined;
    let threadId: number | undefined;
    if (o.threadId !== undefined) {
      if (!chat.isForum || !chat.messages.has(o.threadId)) {
        throw new Error("message thread not found");
      }
      threadId = o.threadId;
    }
    if (o.replyTo !== undefined) {
      const r = this.world.message(chat, o.replyTo);
      if (!r) throw new Error(`message ${o.replyTo} not found`);
      replyToId = r.id;
      threadId ??= this.world.threadFor(chat, r);
    }
    return this.world.addMessage(chat, {
      kind: "text",
      ...body,
      authorId: userId,
      senderChatId: chat.type === "channel" ? chat.id : this.sendAs(userId, chat, o),
      replyToId,
      threadId,
    });
  }

  /** The chat a user's group message is sent on behalf of (anonymous admin, a channel). */
  private sendAs(userId: number, chat: ChatRec, o: UserSendOptions): number | undefined {
    if (!o.asAnonymousAdmin && o.asChannel === undefined) return undefined;
    if (chat.type !== "supergroup") throw new Error("asAnonymousAdmin/asChannel need a group");
    const isAdmin = (c: ChatRec) => {
      const st = this.world.memberStatus(c, userId).status;
      return st === "creator" || st === "administrator";
    };
    if (o.asAnonymousAdmin) {
      if (!isAdmin(chat)) throw new Error(`user ${userId} is not an admin of chat ${chat.id}`);
      return chat.id;
    }
    const ch = this.chat(o.asChannel!);
    if (ch.type !== "channel" || !isAdmin(ch)) {
      throw new Error(`user ${userId} can't send as chat ${o.asChannel}`);
    }
    return ch.id;
  }

  /** The user's own live location in a chat that is still live. */
  private ownLive(userId: number, chatId: number, messageId: number): MsgRec {
    const chat = this.userChat(userId, chatId, false);
    const m = this.world.message(chat, messageId);
    if (!m || m.authorId !== userId) throw new Error("message not found or not the user's");
    if (m.kind !== "location" || !m.live) throw new Error("not a live location");
    if (!this.world.isLive(m)) throw new Error("the live location has ended");
    return m;
  }

  private setBlocked(userId: number, botId: number, blocked: boolean): void {
    this.user(userId);
    const bot = this.bot(botId);
    const pc = this.world.privateChat(userId, botId, true)!;
    if (pc.blocked === blocked) return;
    pc.blocked = blocked;
    const w = this.world;
    const member = { status: "member", user: w.userJson(bot) };
    const kicked = { status: "kicked", user: w.userJson(bot), until_date: 0 };
    bot.updates.push("my_chat_member", {
      chat: w.chatJson(pc),
      from: w.userJson(this.user(userId)),
      date: w.now(),
      old_chat_member: blocked ? member : kicked,
      new_chat_member: blocked ? kicked : member,
    });
  }
}

/** Starts an emulator listening on 127.0.0.1. */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const emu = new Emulator(opts);
  await emu.listen(opts.port ?? 0);
  return emu;
}
