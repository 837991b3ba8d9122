/**
 * The rest: callback answers, chats and members, commands and bot texts, updates and webhooks, files, invite links, bans, chat actions.
 *
 * @module
 */
import { ApiError, badRequest, Described, E } from "./errors.ts";
import { LIMITS } from "./rules.ts";
import { type AdminRights, type BotRec, makeRights } from "./world.ts";
import { type ApiEnv, type Handler, isActive, num, str, type Tools } from "./methods.ts";
import type { BotUpdates } from "./updates.ts";

/** Registers the handlers of this group in `h`. */
export function botMethods(h: Map<string, Handler>, t: Tools, env: ApiEnv): void {
  /** performance.now() before which a bot's next non-empty setWebhook is refused (429). */
  const setWebhookAllowedAt = new Map<number, number>();
  const { chatToRead, chatToSend, needRight, rights, w } = t;
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
    const drop = p.drop_pending_updates === true;
    if (url === "") return deleteWebhook(bot.updates, drop);
    // Why: Client.cpp process_set_webhook_query answers a non-empty setWebhook made within a
    // second of the previous one with 429 retry_after 1, before looking at what it asks
    const now = performance.now();
    if (env.limiter.enabled) {
      if (now < (setWebhookAllowedAt.get(bot.id) ?? 0)) {
        env.limiter.tooMany.set(bot.id, (env.limiter.tooMany.get(bot.id) ?? 0) + 1);
        throw new ApiError(429, "Too Many Requests: retry after 1", { retry_after: 1 });
      }
      setWebhookAllowedAt.set(bot.id, now + env.clock.realMs(1));
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
    const wanted = { url, secretToken: secret, maxConnections: num(p.max_connections) ?? 40 };
    // Why: the same webhook asked for again (same URL, secret and connections, nothing to
    // drop) is left running — delivery is not restarted (Client.cpp: "Webhook is already set")
    if (!drop && bot.updates.hasWebhook(wanted)) {
      return new Described(true, "Webhook is already set");
    }
    bot.updates.setWebhook(wanted, drop);
    return true;
  });
  h.set(
    "deleteWebhook",
    ({ bot, params: p }) => deleteWebhook(bot.updates, p.drop_pending_updates === true),
  );
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
    // (Telegram answers CHAT_ADMIN_REQUIRED otherwise; telegraf/telegraf#1155).
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
}

/**
 * deleteWebhook (and setWebhook with an empty URL): true with Telegram's description,
 * "Webhook was deleted" or "Webhook is already deleted" (Client.cpp do_set_webhook).
 */
function deleteWebhook(updates: BotUpdates, drop: boolean): Described {
  const had = updates.webhook !== undefined;
  updates.deleteWebhook(drop);
  return new Described(true, had ? "Webhook was deleted" : "Webhook is already deleted");
}
