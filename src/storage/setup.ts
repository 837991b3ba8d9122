/**
 * Records of the settings bot: each admin's pending input, admins' languages, one-time
 * manager invites, channels offered by the manager bot, admin removal, and a client's data
 * for privacy requests (export and deletion).
 *
 * @module
 */
import type { Lang } from "../domain/lang.ts";
import type { Client } from "../domain/records.ts";
import type { Ticket, TicketEvent } from "../domain/ticket.ts";
import type { MessageRecord } from "../domain/records.ts";
import type { FastLaneRef } from "./desk.ts";
import { K } from "./keys.ts";
import { getClient } from "./people.ts";
import { listEvents, listMessages, ticketsByClient } from "./tickets.ts";
import { listHeld } from "./drafts.ts";
import { type ClientNote, getClientNote } from "./client_notes.ts";
import { CONFLICT, retryKv } from "./retry.ts";

const DAY_MS = 24 * 3_600_000;

/** What an admin's next text message means. `arg` narrows it (a bot kind, a topic index…). */
export interface Wait {
  kind: string;
  arg?: string | number;
}

/** Reads what the admin's next text means. */
export async function getWait(kv: Deno.Kv, adminId: number): Promise<Wait | null> {
  return (await kv.get<Wait>(K.setupWait(adminId))).value;
}

/** Sets (or with null clears) what the admin's next text means; forgotten after a day. */
export async function setWait(kv: Deno.Kv, adminId: number, wait: Wait | null): Promise<void> {
  if (wait) await kv.set(K.setupWait(adminId), wait, { expireIn: DAY_MS });
  else await kv.delete(K.setupWait(adminId));
}

/** An admin's language, remembered so the bot can write to them first. */
export interface AdminSeen {
  lang: Lang;
  at: number;
}

/** Remembers an admin's language. */
export async function rememberAdmin(kv: Deno.Kv, id: number, lang: Lang, at: number) {
  const cur = (await kv.get<AdminSeen>(K.setupAdminSeen(id))).value;
  if (cur?.lang !== lang) await kv.set(K.setupAdminSeen(id), { lang, at });
}

/** Admins who have written to the settings bot, with their languages. */
export async function seenAdmins(kv: Deno.Kv): Promise<Map<number, Lang>> {
  const out = new Map<number, Lang>();
  for await (const e of kv.list<AdminSeen>({ prefix: K.setupAdminSeenAll() })) {
    out.set(e.key[1] as number, e.value.lang);
  }
  return out;
}

/**
 * Removes an admin added in the settings bot. Refused (false) when it would leave nobody:
 * `envAdmins` (from the environment) always count and cannot be removed here.
 */
export async function removeAdmin(
  kv: Deno.Kv,
  id: number,
  envAdmins: readonly number[],
): Promise<boolean> {
  return await retryKv("remove the admin", async () => {
    const entry = await kv.get(K.admin(id));
    if (entry.versionstamp === null) return false;
    let others = envAdmins.filter((a) => a !== id).length;
    for await (const e of kv.list({ prefix: K.admins() })) if (e.key[1] !== id) others++;
    if (others === 0) return false;
    const res = await kv.atomic().check(entry).delete(K.admin(id)).commit();
    return res.ok ? true : CONFLICT;
  });
}

/** A one-time invitation to become a manager. */
export interface ManagerInvite {
  code: string;
  by: number;
  at: number;
  expiresAt: number;
}

/** Stores a new invite valid for `ttlMs`. */
export async function createInvite(
  kv: Deno.Kv,
  by: number,
  at: number,
  ttlMs: number,
): Promise<ManagerInvite> {
  // 16 random bytes in base64url: unguessable and short enough for a /start payload (≤ 64)
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const code = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");
  const inv: ManagerInvite = { code, by, at, expiresAt: at + ttlMs };
  await kv.set(K.setupInvite(code), inv, { expireIn: ttlMs });
  return inv;
}

/**
 * Uses up an invite: returns it when it existed and had not expired, deleting it in the same
 * atomic operation (a second use finds nothing).
 */
export async function consumeInvite(
  kv: Deno.Kv,
  code: string,
  at: number,
): Promise<ManagerInvite | null> {
  return await retryKv("use the invite", async () => {
    const entry = await kv.get<ManagerInvite>(K.setupInvite(code));
    if (!entry.value) return null;
    const res = await kv.atomic().check(entry).delete(K.setupInvite(code)).commit();
    if (!res.ok) return CONFLICT;
    return entry.value.expiresAt > at ? entry.value : null;
  }, { exhausted: () => null });
}

/** A channel the manager bot was made an administrator of, offered to the admins. */
export interface ChannelOffer {
  chatId: number;
  title: string;
  at: number;
}

/** Remembers a channel offer (a week). */
export async function putOffer(kv: Deno.Kv, offer: ChannelOffer): Promise<void> {
  await kv.set(K.setupOffer(offer.chatId), offer, { expireIn: 7 * DAY_MS });
}

/** Forgets a channel offer (the bot left, or the channel was chosen). */
export async function dropOffer(kv: Deno.Kv, chatId: number): Promise<void> {
  await kv.delete(K.setupOffer(chatId));
}

/** Channel offers, oldest first. */
export async function listOffers(kv: Deno.Kv): Promise<ChannelOffer[]> {
  const out: ChannelOffer[] = [];
  for await (const e of kv.list<ChannelOffer>({ prefix: K.setupOffers() })) out.push(e.value);
  return out.sort((a, b) => a.at - b.at);
}

/** Everything stored about a client (privacy export). */
export interface ClientData {
  client: Client | null;
  tickets: Array<{ ticket: Ticket; events: TicketEvent[]; messages: MessageRecord[] }>;
  draft: unknown;
  held: unknown[];
  /** The team's note on the client. */
  note: ClientNote | null;
}

/** Collects everything stored about a client. */
export async function collectClientData(kv: Deno.Kv, clientId: number): Promise<ClientData> {
  const tickets = await ticketsByClient(kv, clientId);
  return {
    client: await getClient(kv, clientId),
    tickets: await Promise.all(tickets.map(async (ticket) => ({
      ticket,
      events: await listEvents(kv, ticket.number),
      messages: await listMessages(kv, ticket.number),
    }))),
    draft: (await kv.get(K.draft(clientId))).value,
    held: await listHeld(kv, clientId),
    note: await getClientNote(kv, clientId),
  };
}

/** A Telegram message that shows a deleted client, and which of our bots may delete it. */
export interface ClientTrace {
  ticket: number;
  chatId: number;
  messageId: number;
  /** When it was sent (the clock's ms): bots may delete only messages younger than 48 h. */
  at: number;
  /** The client bot deletes its own copies; the manager bot the rest (posts, roots, comments). */
  by: "client" | "manager";
}

/** What a privacy deletion removed. */
export interface DeletedClient {
  tickets: number[];
  /**
   * Messages in the threads that quote the client or answer them: the client's copies and the
   * managers' comments.
   */
  traces: ClientTrace[];
  /** The tickets' channel posts and thread roots (the post's copy in the group). */
  posts: Array<
    { ticket: number; postId: number | null; threadId: number | null; at: number; desk?: number }
  >;
}

/** Keys under a prefix. */
async function keysOf(kv: Deno.Kv, prefix: Deno.KvKey): Promise<Deno.KvKey[]> {
  const out: Deno.KvKey[] = [];
  for await (const e of kv.list({ prefix })) out.push(e.key);
  return out;
}

/** Largest number of mutations put in one atomic operation (Deno KV allows 1000). */
const BATCH = 500;

/**
 * Deletes everything stored about a client: each ticket with its events, messages (texts and
 * their parts), message references, outgoing jobs and every index, then the client record,
 * the team's note on them, drafts and held messages. Each ticket goes in one atomic operation that checks the ticket
 * record did not change meanwhile (a ticket with an unusually long history is removed in
 * several operations, the ticket record and its indexes last, so nothing points to missing
 * records).
 */
export async function deleteClientData(kv: Deno.Kv, clientId: number): Promise<DeletedClient> {
  const done: DeletedClient = { tickets: [], traces: [], posts: [] };
  for (const ticket of await ticketsByClient(kv, clientId)) {
    const n = ticket.number;
    await retryKv(`delete ticket #${n}`, async () => {
      const entry = await kv.get<Ticket>(K.ticket(n));
      if (!entry.value) return;
      const t = entry.value;
      const body: Deno.KvKey[] = [];
      const traces: ClientTrace[] = [];
      const trace = (chatId: number, messageId: number, by: ClientTrace["by"], at: number) =>
        traces.push({ ticket: n, chatId, messageId, at, by });
      for await (const m of kv.list<MessageRecord>({ prefix: K.messagePrefix(n) })) {
        // in the group: the client's messages are the client bot's copies, comments the source
        if (m.value.direction === "in" && m.value.copy) {
          trace(m.value.copy.chatId, m.value.copy.messageId, "client", m.value.at);
        } else if (m.value.direction === "out" || m.value.direction === "note") {
          // (an answer given in the manager bot: the manager's message in its chat there)
          trace(m.value.source.chatId, m.value.source.messageId, "manager", m.value.at);
        }
        // an answer given in the manager bot stands in the thread as a bot's comment: a text
        // the client bot's, media the manager bot's (outbox_senders.ts, mirror)
        const th = m.value.thread;
        if (th) {
          trace(
            th.chatId,
            th.messageId,
            m.value.kind === "text" ? "client" : "manager",
            m.value.at,
          );
          body.push(K.msgRef(th.chatId, th.messageId));
        }
        body.push(K.msgRef(m.value.source.chatId, m.value.source.messageId));
        if (m.value.copy) body.push(K.msgRef(m.value.copy.chatId, m.value.copy.messageId));
        if (m.value.textParts) body.push(...await keysOf(kv, K.messageParts(n, m.value.seq)));
        body.push(m.key);
      }
      body.push(
        ...await keysOf(kv, K.eventPrefix(n)),
        ...await keysOf(kv, K.outboxLane(n, "group")),
        ...await keysOf(kv, K.outboxLane(n, "client")),
      );
      const last: Deno.KvKey[] = [
        K.ticketSeq(n),
        K.postDirty(n),
        K.byClient(t.clientId, n),
        K.byStatus(t.status, n),
        ...(t.managerId !== null ? [K.byManager(t.managerId, n)] : []),
        ...(t.postId !== null ? [K.byPost(t.postId, t.desk), K.rootEarly(t.postId, t.desk)] : []),
        ...(t.threadId !== null ? [K.byThread(t.threadId, t.desk)] : []),
        K.postAttempt(n),
        ...(t.duplicates ?? []).flatMap((d) => [
          K.byPost(d.postId, t.desk),
          K.rootEarly(d.postId, t.desk),
          ...(d.threadId !== null ? [K.byThread(d.threadId, t.desk)] : []),
        ]),
      ];
      // all but the last batch go first; the last one carries the ticket and its indexes
      while (body.length + last.length + 1 > BATCH) {
        const op = kv.atomic();
        for (const k of body.splice(0, BATCH)) op.delete(k);
        await op.commit();
      }
      const op = kv.atomic().check(entry).delete(K.ticket(n));
      for (const k of [...body, ...last]) op.delete(k);
      if (!(await op.commit()).ok) return CONFLICT;
      done.tickets.push(n);
      done.traces.push(...traces);
      const desk = t.desk;
      done.posts.push({ ticket: n, postId: t.postId, threadId: t.threadId, at: t.createdAt, desk });
      // duplicate posts name the client as well
      for (const d of t.duplicates ?? []) {
        done.posts.push({ ticket: n, ...d, at: t.createdAt, desk });
      }
      return;
    });
  }
  // the fast lane's copies of the client's messages in the managers' chats with the manager bot
  const gone = new Set(done.tickets);
  const fast: Deno.KvKey[] = [];
  for await (const e of kv.list<FastLaneRef>({ prefix: K.fastLaneAll() })) {
    if (!gone.has(e.value.ticket)) continue;
    fast.push(e.key);
    // a manager's own answer is deleted as the record's source already
    if (e.value.own) continue;
    done.traces.push({
      ticket: e.value.ticket,
      chatId: e.key[1] as number,
      messageId: e.key[2] as number,
      at: e.value.at ?? 0,
      by: "manager",
    });
  }
  const rest: Deno.KvKey[] = [
    ...fast,
    K.client(clientId),
    K.draft(clientId),
    K.clientNote(clientId),
    ...await keysOf(kv, K.heldPrefix(clientId)),
    ...await keysOf(kv, K.byClientPrefix(clientId)),
  ];
  for (let i = 0; i < rest.length; i += BATCH) {
    const op = kv.atomic();
    for (const k of rest.slice(i, i + BATCH)) op.delete(k);
    await op.commit();
  }
  return done;
}
