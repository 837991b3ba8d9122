/**
 * The team: one-time invite links into the manager bot, adding a manager by a forwarded
 * message or an id, personal invite links to the channel and the group, and removal (rights
 * gone at once, out of both chats, open tickets handed back to the team).
 *
 * @module
 */
import type { Api } from "grammy";
import type { Manager } from "../../domain/records.ts";
import type { Ticket } from "../../domain/ticket.ts";
import { allDesks } from "../../domain/settings.ts";
import type { Lang } from "../../i18n/mod.ts";
import { getManager, listManagers, putManager } from "../../storage/people.ts";
import { unassignTicket } from "../lifecycle.ts";
import { personName } from "../post.ts";
import { getSettings } from "../../storage/settings.ts";
import { consumeInvite, createInvite } from "../../storage/setup.ts";
import { ticketsByManager } from "../../storage/tickets.ts";
import type { SetupDeps } from "./deps.ts";
import { emitSetupSignal } from "./signals.ts";
import { apiFor } from "./token.ts";

/** How long a manager invite (and a personal chat invite link) stays valid. */
export const INVITE_TTL_MS = 24 * 3_600_000;

/** The /start payload prefix of a manager invite. */
export const INVITE_PREFIX = "inv_";

/** A new one-time invite link into the manager bot, or null while it has no username. */
export async function inviteLink(
  deps: SetupDeps,
  by: number,
): Promise<{ link: string; expiresAt: number } | null> {
  const s = await getSettings(deps.kv);
  if (!s.managerBotUsername) return null;
  const inv = await createInvite(deps.kv, by, deps.clock.now(), INVITE_TTL_MS);
  return {
    link: `https://t.me/${s.managerBotUsername}?start=${INVITE_PREFIX}${inv.code}`,
    expiresAt: inv.expiresAt,
  };
}

/** Who becomes a manager. */
export interface Person {
  id: number;
  name: string;
  username?: string;
  lang: Lang;
}

/** Adds a manager (or gives an old one their rights back). */
export async function addManager(
  deps: Pick<SetupDeps, "kv" | "clock">,
  by: number,
  p: Person,
): Promise<Manager> {
  const old = await getManager(deps.kv, p.id);
  // a bare id names nobody: a returning manager keeps the name Telegram showed before
  const known = p.name === String(p.id) && old ? old : p;
  const m: Manager = {
    id: p.id,
    name: known.name,
    ...(known.username ? { username: known.username } : {}),
    lang: p.lang,
    addedAt: deps.clock.now(),
    addedBy: by,
    active: true,
    mute: old?.mute ?? [],
  };
  await putManager(deps.kv, m);
  return m;
}

/** Personal, single-use invite links to the channel and the group (null where not possible). */
export interface JoinLinks {
  channel: string | null;
  group: string | null;
  /** The same for every further desk (managers work on every desk). */
  desks?: Array<{ id: number; title: string; channel: string | null; group: string | null }>;
}

/** Creates single-use links to the managers' chats with the manager bot's API. */
export async function joinLinks(
  deps: Pick<SetupDeps, "kv" | "clock" | "log">,
  api: Api,
  managerId: number,
): Promise<JoinLinks> {
  const s = await getSettings(deps.kv);
  const expire = Math.floor((deps.clock.now() + INVITE_TTL_MS) / 1000);
  const make = async (chatId: number | null) => {
    if (chatId === null) return null;
    try {
      const l = await api.createChatInviteLink(chatId, {
        member_limit: 1,
        expire_date: expire,
        name: `manager ${managerId}`,
      });
      return l.invite_link;
    } catch (e) {
      deps.log.warn("could not create an invite link", { chat: chatId, err: e });
      return null;
    }
  };
  const desks = [];
  for (const d of s.desks) {
    desks.push({
      id: d.id,
      title: d.title,
      channel: await make(d.channelId),
      group: await make(d.groupId),
    });
  }
  return { channel: await make(s.channelId), group: await make(s.groupId), desks };
}

/** Outcome of accepting an invite in the manager bot. */
export type AcceptResult =
  | { ok: true; manager: Manager; links: JoinLinks }
  | { ok: false; reason: "invalid" };

/** A person opened an invite link in the manager bot (`api` is that bot's). */
export async function acceptInvite(
  deps: Pick<SetupDeps, "kv" | "clock" | "log">,
  api: Api,
  code: string,
  p: Person,
): Promise<AcceptResult> {
  const inv = await consumeInvite(deps.kv, code, deps.clock.now());
  if (!inv) return { ok: false, reason: "invalid" };
  const manager = await addManager(deps, inv.by, p);
  const links = await joinLinks(deps, api, p.id);
  emitSetupSignal(
    deps.kv,
    { type: "manager_joined", managerId: p.id, name: p.name },
    (e) => deps.log.warn("setup signal failed", { err: e }),
  );
  return { ok: true, manager, links };
}

/** The manager bot's API (the running one, or one made from the stored token). */
export async function managerApi(deps: SetupDeps): Promise<Api | null> {
  const running = deps.control.apis().manager;
  if (running) return running;
  const s = await getSettings(deps.kv);
  return s.managerBotToken ? apiFor(deps, s.managerBotToken) : null;
}

/** Outcome of adding a manager from the settings bot. */
export interface AddResult {
  manager: Manager;
  links: JoinLinks;
  /** Whether the links reached the manager through the manager bot. */
  delivered: boolean;
}

/**
 * Adds a manager named by an admin and sends them the chat links through the manager bot;
 * when the person has not started that bot yet the links are returned for the admin to pass on.
 */
export async function addManagerByAdmin(
  deps: SetupDeps,
  by: number,
  p: Person,
  text: (links: JoinLinks) => string,
): Promise<AddResult> {
  const manager = await addManager(deps, by, p);
  const api = await managerApi(deps);
  const links = api ? await joinLinks(deps, api, p.id) : { channel: null, group: null };
  let delivered = false;
  if (api) {
    try {
      await api.sendMessage(p.id, text(links));
      delivered = true;
    } catch {
      delivered = false;
    }
  }
  return { manager, links, delivered };
}

/** How removing a manager from one of the helpdesk's chats went. */
export type ChatRemoval =
  /** removed (an admin our bot had appointed is dismissed first) */
  | "removed"
  /** an administrator someone else appointed: Telegram lets only them or the owner dismiss */
  | "admin"
  /** the chat's owner, whom nobody can remove */
  | "owner"
  /** the manager bot lacks the right, or is missing */
  | "failed";

/** Outcome of removing a manager. */
export interface RemoveResult {
  manager: Manager;
  /** Their tickets that were not closed: now unassigned, to be handed to someone else. */
  openTickets: Ticket[];
  /** Whether both chats removed them. */
  removedFromChats: boolean;
  /** How it went in each chat the helpdesk has. */
  chats: Array<{ chat: "channel" | "group"; outcome: ChatRemoval }>;
}

/** Every administrator right false: promoteChatMember with these dismisses an admin. */
const NO_RIGHTS = {
  is_anonymous: false,
  can_manage_chat: false,
  can_delete_messages: false,
  can_manage_video_chats: false,
  can_restrict_members: false,
  can_promote_members: false,
  can_change_info: false,
  can_invite_users: false,
  can_post_stories: false,
  can_edit_stories: false,
  can_delete_stories: false,
  can_post_messages: false,
  can_edit_messages: false,
  can_pin_messages: false,
  can_manage_topics: false,
};

/**
 * Removes a person from a chat: ban + unban (so they could be invited again later). An
 * administrator is dismissed first when Telegram lets the bot (it appointed them:
 * can_be_edited); others' admins and the owner are only reported.
 */
async function removeFromChat(
  deps: SetupDeps,
  api: Api | null,
  chatId: number,
  id: number,
): Promise<ChatRemoval> {
  if (!api) return "failed";
  try {
    const m = await api.getChatMember(chatId, id);
    if (m.status === "creator") return "owner";
    if (m.status === "administrator") {
      if (!m.can_be_edited) return "admin";
      await api.promoteChatMember(chatId, id, NO_RIGHTS);
    }
    await api.banChatMember(chatId, id);
    await api.unbanChatMember(chatId, id, { only_if_banned: true });
    return "removed";
  } catch (e) {
    deps.log.warn("could not remove a manager from a chat", { chat: chatId, err: e });
    return "failed";
  }
}

/**
 * Removes a manager: rights end at once (active=false), then they are removed from the
 * channel and the group, and their open tickets go back to the team, unassigned, each thread
 * told so (nobody would answer them otherwise: an inactive manager hears of nothing). `by` is
 * the admin.
 */
export async function removeManager(
  deps: SetupDeps,
  id: number,
  by: number,
): Promise<RemoveResult | null> {
  const m = await getManager(deps.kv, id);
  if (!m) return null;
  const manager = { ...m, active: false };
  await putManager(deps.kv, manager);
  const s = await getSettings(deps.kv);
  const api = await managerApi(deps);
  const chats: RemoveResult["chats"] = [];
  // the chats of every desk
  for (const d of allDesks(s)) {
    for (const [chat, chatId] of [["channel", d.channelId], ["group", d.groupId]] as const) {
      if (chatId !== null) {
        chats.push({ chat, outcome: await removeFromChat(deps, api, chatId, id) });
      }
    }
  }
  const removedFromChats = chats.every((c) => c.outcome === "removed");
  const openTickets = (await ticketsByManager(deps.kv, id)).filter((t) => t.status !== "closed");
  for (const tk of openTickets) {
    const r = await unassignTicket(deps, tk.number, { role: "admin", id: by }, personName(m));
    // a ticket closed or reassigned meanwhile needs nothing more
    if (!r.ok) deps.log.info("ticket not handed back", { ticket: tk.number, reason: r.reason });
  }
  return { manager, openTickets, removedFromChats, chats };
}

/** Active managers with the number of their tickets that are not closed. */
export async function managersWithLoad(
  deps: Pick<SetupDeps, "kv">,
): Promise<Array<{ manager: Manager; open: number }>> {
  const out: Array<{ manager: Manager; open: number }> = [];
  for (const manager of await listManagers(deps.kv)) {
    if (!manager.active) continue;
    const open = (await ticketsByManager(deps.kv, manager.id)).filter((t) =>
      t.status !== "closed"
    ).length;
    out.push({ manager, open });
  }
  return out;
}
