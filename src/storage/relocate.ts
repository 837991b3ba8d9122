/**
 * Moving tickets to new posts: after the helpdesk moved to another channel or discussion group,
 * a ticket created while no group was linked, or a ticket post a person deleted.
 *
 * Telegram numbers messages per chat, so post and thread ids of the old chats mean other
 * messages in the new ones; the post and thread indexes are dropped with the move, and each
 * ticket that is still open gets a new post (its automatic forward becomes the new thread).
 *
 * @module
 */
import type { OutboxJob } from "../domain/records.ts";
import type { Ticket } from "../domain/ticket.ts";
import { K } from "./keys.ts";
import { type ChangeFn, changeTicket } from "./tickets.ts";

/** Largest number of deletions put in one atomic operation (Deno KV allows 1000). */
const BATCH = 500;

/**
 * Gives ticket `n` a new post: forgets its post and thread (and extra posts), marks the post
 * to be sent again, and queues `noticeKey` into the new thread. Only when the ticket still has
 * the post `postId` (a second caller for the same loss changes nothing). With `send: false`
 * the post is not marked yet (the caller marks it once the old indexes are gone). Returns
 * whether it changed the ticket. A closed ticket gets a new post only with `closed`.
 */
export async function repostTicket(
  kv: Deno.Kv,
  n: number,
  at: number,
  o: {
    postId?: number | null;
    noticeKey: string;
    link: string;
    send?: boolean;
    closed?: boolean;
    /** Moves the ticket to this desk as well (its desk was removed). */
    toDesk?: number;
  },
): Promise<boolean> {
  const res = await changeTicket<undefined>(
    kv,
    n,
    at,
    (tk, next): ReturnType<ChangeFn<undefined>> => {
      if (o.postId !== undefined && tk.postId !== o.postId) {
        return { refuse: "not_allowed" as const };
      }
      // a closed ticket's post is sent again only when asked (its deleted post); after a move it
      // gets one when it is reopened
      const open = tk.status !== "closed" || o.closed === true;
      const ticket: Ticket = {
        ...tk,
        postId: null,
        threadId: null,
        updatedAt: Math.max(tk.updatedAt, at),
      };
      delete ticket.duplicates;
      if (o.toDesk !== undefined) {
        if (o.toDesk === 0) delete ticket.desk;
        else ticket.desk = o.toDesk;
      }
      const jobs: OutboxJob[] = open
        ? [{
          ticket: n,
          lane: "group",
          seq: next(),
          createdAt: at,
          attempts: 0,
          notBefore: 0,
          action: { type: "notice", key: o.noticeKey, params: { number: n, link: o.link } },
        }]
        : [];
      return { ticket, jobs, postDirty: open && o.send !== false, result: undefined };
    },
  );
  return res.ok;
}

/**
 * Every ticket number of desk `desk` with a post or a thread, with its post and thread; with
 * `all`, also the desk's tickets without either (a removed desk's: each moves to desk 0).
 */
export async function ticketsWithPosts(
  kv: Deno.Kv,
  desk = 0,
  all = false,
): Promise<Array<Pick<Ticket, "number" | "postId" | "threadId" | "status">>> {
  const out: Array<Pick<Ticket, "number" | "postId" | "threadId" | "status">> = [];
  for await (const e of kv.list<Ticket>({ prefix: K.tickets() })) {
    const t = e.value;
    if ((t.desk ?? 0) !== desk) continue;
    if (all || t.postId !== null || t.threadId !== null || t.duplicates?.length) {
      out.push({ number: t.number, postId: t.postId, threadId: t.threadId, status: t.status });
    }
  }
  return out;
}

/**
 * Open tickets that have a post but no thread, posted before `before` (a post's automatic
 * forward takes a moment: a newer one may still get its thread).
 */
export async function ticketsWithoutThread(
  kv: Deno.Kv,
  before: number,
): Promise<Array<{ number: number; postId: number }>> {
  const found: Array<{ number: number; postId: number }> = [];
  for (const status of ["open", "in_progress"] as const) {
    for await (const e of kv.list({ prefix: K.byStatusPrefix(status) })) {
      const n = e.key[2] as number;
      const t = (await kv.get<Ticket>(K.ticket(n))).value;
      if (t && t.postId !== null && t.threadId === null) {
        found.push({ number: n, postId: t.postId });
      }
    }
  }
  const out: Array<{ number: number; postId: number }> = [];
  for (const t of found) {
    const attempt = (await kv.get<number>(K.postAttempt(t.number))).value;
    if (attempt === null || attempt < before) out.push(t);
  }
  return out;
}

/**
 * Tickets that are not closed and are on a desk not in `desks` (a ticket opened on a desk by a
 * process that had not yet seen its removal): they are moved to desk 0.
 */
export async function ticketsOnGoneDesks(
  kv: Deno.Kv,
  desks: ReadonlySet<number>,
  /** The last desk id handed out as the caller knows it: a newer desk is not gone. */
  seq: number,
): Promise<Array<Pick<Ticket, "number" | "postId" | "threadId" | "desk">>> {
  const out: Array<Pick<Ticket, "number" | "postId" | "threadId" | "desk">> = [];
  for (const status of ["open", "in_progress"] as const) {
    for await (const e of kv.list({ prefix: K.byStatusPrefix(status) })) {
      const t = (await kv.get<Ticket>(K.ticket(e.key[2] as number))).value;
      if (t?.desk && t.desk <= seq && !desks.has(t.desk)) {
        out.push({ number: t.number, postId: t.postId, threadId: t.threadId, desk: t.desk });
      }
    }
  }
  return out;
}

/**
 * Drops every post and thread index of desk `desk`: their ids mean other messages in the new
 * chats (those of the other desks stay: their chats did not move).
 */
export async function dropPostIndexes(kv: Deno.Kv, desk = 0): Promise<void> {
  for (const prefix of [K.byPostAll(desk), K.byThreadAll(desk), K.rootEarlyAll(desk)]) {
    let keys: Deno.KvKey[] = [];
    for await (const e of kv.list({ prefix })) {
      keys.push(e.key);
      if (keys.length >= BATCH) {
        await deleteAll(kv, keys);
        keys = [];
      }
    }
    await deleteAll(kv, keys);
  }
}

async function deleteAll(kv: Deno.Kv, keys: Deno.KvKey[]): Promise<void> {
  if (!keys.length) return;
  const op = kv.atomic();
  for (const k of keys) op.delete(k);
  await op.commit();
}
