/**
 * Links to a ticket's thread and post, and its tags as hashtags: the pieces the report shares
 * with the desk. Kept apart with no imports but the pure settings rules, so that the report
 * (which may run in a process of its own) loads neither the bots' modules nor zod for them.
 *
 * @module
 */
import { deskChats, type Settings } from "../domain/settings.ts";
import type { Ticket } from "../domain/ticket.ts";

/**
 * Link that opens a ticket's comment thread. The discussion group is a private supergroup
 * (no username is stored), so the `t.me/c/` form is used: the group id without its `-100`
 * prefix, the thread root as message id, and `?thread=` so that Telegram opens the thread
 * rather than the group at that message. Members of the group can open it; others cannot.
 * Null while the ticket has no thread yet.
 */
export function threadLink(groupId: number | null, threadId: number | null): string | null {
  const group = internalId(groupId);
  if (group === null || threadId === null) return null;
  return `https://t.me/c/${group}/${threadId}?thread=${threadId}`;
}

/** The link of a ticket's thread in the group of its desk; null as for {@linkcode threadLink}. */
export function ticketThreadLink(
  s: Pick<Settings, "channelId" | "groupId" | "desks">,
  tk: Pick<Ticket, "desk" | "threadId">,
): string | null {
  return threadLink(deskChats(s, tk.desk).groupId, tk.threadId);
}

/** Link to a channel post, `https://t.me/c/<channel>/<post>`; null as for {@linkcode threadLink}. */
export function postLink(channelId: number | null, postId: number | null): string | null {
  const channel = internalId(channelId);
  if (channel === null || postId === null) return null;
  return `https://t.me/c/${channel}/${postId}`;
}

/**
 * The id `t.me/c/` links use: a supergroup's or channel's id without its `-100`. Other chats
 * (basic groups, private chats) have no such links: null.
 */
function internalId(chatId: number | null): string | null {
  const s = chatId === null ? "" : String(chatId);
  return s.startsWith("-100") ? s.slice(4) : null;
}

/**
 * Tags as hashtags, `#billing #refund`: in the channel, the group and the manager bot Telegram
 * makes each one a link that finds the other messages carrying it.
 */
export function hashtags(tags: readonly string[]): string {
  return tags.map((x) => `#${x}`).join(" ");
}
