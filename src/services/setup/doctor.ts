/**
 * The doctor: checks, calling Telegram with each bot's own token (the settings bot is in
 * neither chat, DESIGN.md fact 2), everything the helpdesk needs, and names each gap.
 *
 * @module
 */
import type { Api } from "grammy";
import type { ChatFullInfo, ChatMember } from "grammy/types";
import type { Settings } from "../../domain/settings.ts";
import type { BotKind } from "../deps.ts";
import { getSettings, updateSettings } from "../../storage/settings.ts";
import { followMove, rehomeOrphans, repostUnthreaded } from "../relocate.ts";
import type { SetupDeps } from "./deps.ts";
import { apiFor, type BotIdentity, checkToken } from "./token.ts";

/** Every gap the doctor can find; each has a plain-words text with the fix in the locales. */
export type ProblemCode =
  | "token_missing"
  | "token_rejected"
  | "telegram_unreachable"
  | "same_bot"
  | "webhook_set"
  | "channel_missing"
  | "channel_unreachable"
  | "not_a_channel"
  | "channel_public"
  | "channel_protected"
  | "group_missing"
  | "group_not_linked"
  | "group_forum"
  | "group_protected"
  | "not_admin_channel"
  | "cant_post"
  | "cant_edit"
  | "not_admin_group"
  | "cant_invite"
  | "cant_ban";

/** One gap. Blockers keep the service closed; warnings only limit what admins can do. */
export interface Problem {
  code: ProblemCode;
  bot?: BotKind;
  /** The further desk (`Settings.desks`) whose chats have the gap; absent: the main desk. */
  desk?: number;
  severity: "blocker" | "warning";
}

/** The doctor's findings. */
export interface DoctorReport {
  problems: Problem[];
  /** True when nothing blocks opening the service. */
  ok: boolean;
  bots: Partial<Record<BotKind, BotIdentity>>;
  channel: { id: number; title: string } | null;
  group: { id: number; title: string } | null;
}

const KINDS = ["client", "manager"] as const;

function tokenOf(s: Settings, kind: BotKind): string | null {
  return kind === "client" ? s.clientBotToken : s.managerBotToken;
}

async function tryCall<T>(f: () => Promise<T>): Promise<T | null> {
  try {
    return await f();
  } catch {
    return null;
  }
}

/**
 * Runs every check; fixes the stored discussion group when the channel's link changed. With
 * `proposed`, checks the setup as it would be with those settings (a new channel or token on
 * a live helpdesk) and stores nothing.
 */
export async function runDoctor(
  deps: Omit<SetupDeps, "control">,
  by = 0,
  proposed?: Partial<Settings>,
): Promise<DoctorReport> {
  const s = { ...await getSettings(deps.kv), ...proposed };
  const problems: Problem[] = [];
  const block = (code: ProblemCode, bot?: BotKind) =>
    problems.push({ code, severity: "blocker", ...(bot ? { bot } : {}) });
  const warn = (code: ProblemCode, bot?: BotKind) =>
    problems.push({ code, severity: "warning", ...(bot ? { bot } : {}) });

  const apis: Partial<Record<BotKind, Api>> = {};
  const bots: Partial<Record<BotKind, BotIdentity>> = {};
  await Promise.all(KINDS.map(async (kind) => {
    const token = tokenOf(s, kind);
    if (!token) return void block("token_missing", kind);
    const r = await checkToken(deps, token);
    if (!r.ok) {
      return void block(
        r.reason === "unreachable" ? "telegram_unreachable" : "token_rejected",
        kind,
      );
    }
    apis[kind] = apiFor(deps, token);
    bots[kind] = r.bot;
    const hook = await tryCall(() => apis[kind]!.getWebhookInfo());
    // the service polls: a webhook set elsewhere makes every getUpdates fail with 409
    if (hook?.url && deps.mode !== "webhook") block("webhook_set", kind);
  }));
  if (bots.client && bots.manager && bots.client.id === bots.manager.id) block("same_bot");

  let channel: DoctorReport["channel"] = null;
  let group: DoctorReport["group"] = null;
  if (s.channelId === null) block("channel_missing");
  else {
    const main = await checkPair(apis, bots, s.channelId, block, warn, {
      linked: async (linked) => {
        if (linked !== s.groupId && !proposed) await followRelink(deps, by, linked);
      },
      // posts sent while no group was linked were never forwarded: they get new posts
      threaded: async () => {
        if (!proposed) await repostUnthreaded(deps);
      },
    });
    channel = main.channel;
    group = main.group;
  }
  // a ticket opened on a desk as it was being removed follows the desk's others to desk 0
  if (!proposed && s.deskSeq > 0) await rehomeOrphans(deps, s);
  // every further desk the same way, each problem naming its desk; a desk's chats never
  // change, so a group linked since is a problem to fix, not a move to follow
  for (const d of s.desks ?? []) {
    const tag = (f: typeof block) => (code: ProblemCode, bot?: BotKind) => {
      const before = problems.length;
      f(code, bot);
      for (const p of problems.slice(before)) p.desk = d.id;
    };
    await checkPair(apis, bots, d.channelId, tag(block), tag(warn), { group: d.groupId });
  }
  return { problems, ok: !problems.some((p) => p.severity === "blocker"), bots, channel, group };
}

/**
 * The channel's discussion group changed (or one was linked): stores it and, when there was
 * one before, moves every ticket to the new group. Only the caller that made the change moves
 * them (several checks may notice it at once).
 */
async function followRelink(deps: Omit<SetupDeps, "control">, by: number, linked: number) {
  let old: number | null | undefined;
  await updateSettings(deps.kv, by, deps.clock.now(), (cur) => {
    old = cur.groupId === linked ? undefined : cur.groupId;
    return { groupId: linked };
  });
  if (old === undefined) return;
  if (old !== null) await followMove(deps, old);
}

/**
 * Checks one desk's channel and its discussion group: readable, private, unprotected, linked
 * both ways (to `expect.group` when the desk knows its group), and both bots their admins
 * with the rights they need. `expect.linked` hears the channel's group, `expect.threaded`
 * that the link holds.
 */
async function checkPair(
  apis: Partial<Record<BotKind, Api>>,
  bots: Partial<Record<BotKind, BotIdentity>>,
  channelId: number,
  block: (code: ProblemCode, bot?: BotKind) => void,
  warn: (code: ProblemCode, bot?: BotKind) => void,
  expect: {
    group?: number;
    linked?: (id: number) => Promise<void>;
    threaded?: () => Promise<void>;
  },
): Promise<Pick<DoctorReport, "channel" | "group">> {
  let channel: DoctorReport["channel"] = null;
  let group: DoctorReport["group"] = null;
  // either bot may read the channel; the manager bot first, it posts there
  let info: ChatFullInfo | null = null;
  for (const kind of ["manager", "client"] as const) {
    const api = apis[kind];
    if (!info && api) info = await tryCall(() => api.getChat(channelId));
  }
  if (!info) block("channel_unreachable");
  else if (info.type !== "channel") block("not_a_channel");
  else {
    channel = { id: info.id, title: info.title ?? "" };
    if (info.username) block("channel_public");
    if (info.has_protected_content) block("channel_protected");
    await checkMembers(apis, bots, info.id, "channel", block, warn);
    const linked = info.linked_chat_id;
    if (linked === undefined) block("group_missing");
    else if (expect.group !== undefined && linked !== expect.group) block("group_not_linked");
    else {
      await expect.linked?.(linked);
      let ginfo: ChatFullInfo | null = null;
      for (const kind of ["manager", "client"] as const) {
        const api = apis[kind];
        if (!ginfo && api) ginfo = await tryCall(() => api.getChat(linked));
      }
      if (!ginfo) {
        for (const kind of KINDS) if (apis[kind]) block("not_admin_group", kind);
      } else {
        group = { id: ginfo.id, title: ginfo.title ?? "" };
        if (ginfo.linked_chat_id !== info.id) block("group_not_linked");
        else await expect.threaded?.();
        if (ginfo.is_forum) block("group_forum");
        if (ginfo.has_protected_content) block("group_protected");
        await checkMembers(apis, bots, ginfo.id, "group", block, warn);
      }
    }
  }
  return { channel, group };
}

async function checkMembers(
  apis: Partial<Record<BotKind, Api>>,
  bots: Partial<Record<BotKind, BotIdentity>>,
  chatId: number,
  where: "channel" | "group",
  block: (code: ProblemCode, bot?: BotKind) => void,
  warn: (code: ProblemCode, bot?: BotKind) => void,
): Promise<void> {
  for (const kind of KINDS) {
    const api = apis[kind], me = bots[kind];
    if (!api || !me) continue;
    // each bot asks about itself with its own token: the only view Telegram gives it
    const m: ChatMember | null = await tryCall(() => api.getChatMember(chatId, me.id));
    if (m?.status !== "administrator") {
      block(where === "channel" ? "not_admin_channel" : "not_admin_group", kind);
      continue;
    }
    if (where === "channel") {
      if (!m.can_post_messages) block("cant_post", kind);
      if (!m.can_edit_messages) block("cant_edit", kind);
    }
    if (kind === "manager") {
      // managers get invite links from the manager bot and are removed by it
      if (!m.can_invite_users) warn("cant_invite", kind);
      if (!m.can_restrict_members) warn("cant_ban", kind);
    }
  }
}
