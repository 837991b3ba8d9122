/**
 * Finding the managers' channel without typing ids: a channel the manager bot was added to,
 * a forwarded post, an @username or a numeric id; the discussion group comes from the
 * channel's `linked_chat_id`.
 *
 * @module
 */
import type { Message } from "grammy/types";
import { getSettings, updateSettings } from "../../storage/settings.ts";
import { dropOffer } from "../../storage/setup.ts";
import type { SetupDeps } from "./deps.ts";
import { followMove } from "../relocate.ts";
import { type Problem, runDoctor } from "./doctor.ts";
import { apiFor } from "./token.ts";

/** A chat reference an admin gave: an id or an @username. */
export type ChatRef = number | `@${string}`;

/** Reads a channel reference from a message: a forwarded post, `@name`, or `-100…`. */
export function channelRefOf(m: Pick<Message, "forward_origin" | "text">): ChatRef | null {
  const o = m.forward_origin;
  if (o?.type === "channel") return o.chat.id;
  if (o?.type === "chat" && o.sender_chat.type === "channel") return o.sender_chat.id;
  const text = m.text?.trim() ?? "";
  const link = /^(?:https?:\/\/)?t\.me\/([A-Za-z][A-Za-z0-9_]{3,31})\/?$/.exec(text);
  if (link) return `@${link[1]}`;
  if (/^@[A-Za-z][A-Za-z0-9_]{3,31}$/.test(text)) return text as `@${string}`;
  if (/^-100\d{5,15}$/.test(text)) return Number(text);
  return null;
}

/**
 * The channel `ref` names, as the manager bot sees it (it was made an admin of the channel),
 * or why it cannot be a helpdesk's channel: no manager bot yet, not found, not a channel.
 */
export async function lookUpChannel(
  deps: SetupDeps,
  managerBotToken: string | null,
  ref: ChatRef,
): Promise<
  | { ok: true; info: { id: number; title?: string; linked_chat_id?: number } }
  | { ok: false; reason: "no_manager_bot" | "not_found" | "not_channel" }
> {
  if (!managerBotToken) return { ok: false, reason: "no_manager_bot" };
  let info;
  try {
    info = await apiFor(deps, managerBotToken).getChat(ref);
  } catch {
    return { ok: false, reason: "not_found" };
  }
  if (info.type !== "channel") return { ok: false, reason: "not_channel" };
  return { ok: true, info };
}

/** Outcome of choosing a channel. */
export type ChannelChoice =
  | { ok: true; channelId: number; title: string; groupId: number | null }
  | {
    ok: false;
    reason: "no_manager_bot" | "not_found" | "not_channel" | "no_group_live" | "is_desk";
  }
  | { ok: false; reason: "confirm_switch"; channelId: number; title: string }
  | { ok: false; reason: "doctor_failed"; title: string; problems: Problem[] };

/**
 * Looks the channel up with the manager bot's token (it must be in the channel), stores it
 * and its linked discussion group, and forgets the offer. An open helpdesk moves to another
 * channel only to one with a discussion group where the doctor finds nothing blocking, and
 * only when `confirmed` (the doctor runs again at the yes: the chats may have changed).
 */
export async function chooseChannel(
  deps: SetupDeps,
  by: number,
  ref: ChatRef,
  o: { confirmed?: boolean } = {},
): Promise<ChannelChoice> {
  const s = await getSettings(deps.kv);
  const found = await lookUpChannel(deps, s.managerBotToken, ref);
  if (!found.ok) return found;
  const { info } = found;
  const groupId = info.linked_chat_id ?? null;
  // a further desk's chats cannot be the main desk's too (remove that desk first)
  if (s.desks.some((d) => d.channelId === info.id || d.groupId === groupId)) {
    return { ok: false, reason: "is_desk" };
  }
  // a live helpdesk is never switched by one tap, and never to a channel that cannot work
  const live = s.open && s.channelId !== null && s.channelId !== info.id;
  if (live && groupId === null) return { ok: false, reason: "no_group_live" };
  if (live) {
    const report = await runDoctor(deps, by, { channelId: info.id, groupId });
    if (!report.ok) {
      const problems = report.problems.filter((p) => p.severity === "blocker");
      return { ok: false, reason: "doctor_failed", title: info.title ?? "", problems };
    }
  }
  if (live && !o.confirmed) {
    return { ok: false, reason: "confirm_switch", channelId: info.id, title: info.title ?? "" };
  }
  let moved: { groupId: number | null } | null = null;
  await updateSettings(deps.kv, by, deps.clock.now(), (cur) => {
    moved = cur.channelId !== null && cur.channelId !== info.id ? { groupId: cur.groupId } : null;
    return { channelId: info.id, groupId };
  });
  await dropOffer(deps.kv, info.id);
  // post ids of the old channel mean other posts in the new one: every ticket moves along
  if (moved) await followMove(deps, (moved as { groupId: number | null }).groupId);
  return { ok: true, channelId: info.id, title: info.title ?? "", groupId };
}
