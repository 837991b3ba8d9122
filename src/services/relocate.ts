/**
 * Tickets follow the helpdesk's chats: after a move to another channel or discussion group
 * every ticket gets a new post there (open ones at once, closed ones when reopened), and a
 * ticket posted while no group was linked gets a post whose thread exists.
 *
 * @module
 */
import type { Settings } from "../domain/settings.ts";
import {
  dropPostIndexes,
  repostTicket,
  ticketsOnGoneDesks,
  ticketsWithoutThread,
  ticketsWithPosts,
} from "../storage/relocate.ts";
import { markPostDirty } from "../storage/outbox.ts";
import { threadLink } from "./desk/format.ts";
import type { Helpdesk } from "./helpdesk.ts";

/** How long a post's automatic forward may take before the post is taken as never forwarded. */
const FORWARD_GRACE_MS = 2 * 60_000;

/**
 * The main desk moved to other chats (`oldGroupId` had the threads): re-posts every open
 * ticket there, with a notice in its new thread linking the old one. Returns how many.
 *
 * With `removed`, desk `removed` was removed (`oldGroupId` was its group): its tickets, posted
 * or not, move to desk 0 the same way (the closed ones get a post there when reopened).
 */
export async function followMove(
  deps: Helpdesk,
  oldGroupId: number | null,
  removed?: number,
): Promise<number> {
  const at = deps.clock.now();
  const desk = removed ?? 0;
  const tickets = await ticketsWithPosts(deps.kv, desk, removed !== undefined);
  // first forget the old posts (nothing is sent yet), then the indexes whose ids mean other
  // messages in the new chats, and only then send the new posts
  for (const t of tickets) {
    const link = threadLink(oldGroupId, t.threadId) ?? "";
    await repostTicket(deps.kv, t.number, at, {
      noticeKey: removed === undefined
        ? (link ? "thread_moved" : "thread_moved_nolink")
        : (link ? "thread_desk_removed" : "thread_desk_removed_nolink"),
      link,
      send: false,
      ...(removed !== undefined ? { toDesk: 0 } : {}),
    });
  }
  await dropPostIndexes(deps.kv, desk);
  const open = tickets.filter((t) => t.status !== "closed");
  for (const t of open) {
    await markPostDirty(deps.kv, t.number, at);
    deps.outbox.kickPost(t.number);
  }
  deps.log.info("tickets re-posted in the new chats", { tickets: open.length });
  return open.length;
}

/**
 * Open tickets on a desk that was removed (opened by a process that had not seen the removal
 * yet, whose settings are cached for a second) move to desk 0 like the removed desk's others,
 * without a link (its group is no longer known). Returns how many.
 */
export async function rehomeOrphans(
  deps: Helpdesk,
  s: Pick<Settings, "desks" | "deskSeq">,
): Promise<number> {
  const at = deps.clock.now();
  const known = new Set(s.desks.map((d) => d.id));
  let count = 0;
  for (const t of await ticketsOnGoneDesks(deps.kv, known, s.deskSeq)) {
    const ok = await repostTicket(deps.kv, t.number, at, {
      postId: t.postId,
      noticeKey: "thread_desk_removed_nolink",
      link: "",
      toDesk: 0,
    });
    if (ok) {
      count++;
      deps.outbox.kickPost(t.number);
    }
  }
  if (count) deps.log.info("tickets of a removed desk moved to the main desk", { tickets: count });
  return count;
}

/**
 * The channel has a discussion group: open tickets posted while it had none (their posts were
 * never forwarded, so they have no thread) are posted again. Returns how many.
 */
export async function repostUnthreaded(deps: Helpdesk): Promise<number> {
  const at = deps.clock.now();
  let count = 0;
  for (const { number: n, postId } of await ticketsWithoutThread(deps.kv, at - FORWARD_GRACE_MS)) {
    const ok = await repostTicket(deps.kv, n, at, {
      postId,
      noticeKey: "thread_no_group_before",
      link: "",
    });
    if (ok) {
      count++;
      deps.outbox.kickPost(n);
    }
  }
  if (count) deps.log.info("tickets without a thread re-posted", { tickets: count });
  return count;
}
