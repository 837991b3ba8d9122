/**
 * Tickets, their events and messages, and every index over them. Each change of a ticket is
 * one atomic operation that checks what it read, so concurrent writers never lose updates.
 *
 * It stays one file over 400 lines: every key of a ticket (its record, its indexes, posts, threads,
 * messages, events) is written here, through `changeTicket` and its index diff, so that no write
 * can miss an index.
 *
 * @module
 */
import type { Client, MessageRecord, MsgAddr, OutboxJob } from "../domain/records.ts";
import {
  newTicket,
  type OpenerName,
  type RejectReason,
  type Ticket,
  type TicketEvent,
  type TicketStatus,
} from "../domain/ticket.ts";
import { NotFoundError } from "../errors.ts";
import { groupCommitStamped } from "./commit_batcher.ts";
import { KeyedChain } from "../chain.ts";
import { K } from "./keys.ts";
import { kvState } from "./kv_state.ts";
import { CONFLICT, KV_ATTEMPTS, retryKv } from "./retry.ts";

/** Largest text kept inline in a message record; longer texts are split into parts. */
const INLINE_TEXT_BYTES = 24_000;
/** Size of one stored part of a long text (well under the 64 KiB value limit). */
const PART_CHARS = 8_000;
/** How long processed update ids are remembered (Telegram keeps updates for 24 h). */
const INBOX_TTL_MS = 7 * 24 * 3_600_000;

/** What a change of a ticket writes besides the ticket itself. */
export interface TicketChange {
  /** New state of the ticket; indexes follow it. */
  ticket?: Ticket;
  events?: Array<TicketEvent & { seq: number }>;
  messages?: MessageRecord[];
  jobs?: OutboxJob[];
  /** The channel post must be re-rendered. */
  postDirty?: boolean;
  /** Held messages of a client that this change commits to the ticket. */
  dropHeld?: { clientId: number; updateIds: number[] };
}

/** A change function: sees the current ticket and a sequence allocator for new records. */
export type ChangeFn<R> = (
  ticket: Ticket,
  nextSeq: () => number,
) => (TicketChange & { result: R }) | { refuse: RejectReason };

/** Outcome of {@linkcode changeTicket}. */
export type ChangeResult<R> =
  /** `versionstamp`: of everything the change wrote (the ticket, its messages, its jobs). */
  | { ok: true; ticket: Ticket; result: R; versionstamp: string }
  | { ok: false; reason: RejectReason | "not_found" }
  | { ok: false; reason: "duplicate" };

/** Update ids already processed by a bot, checked and marked in the same atomic operation. */
export interface InboxMark {
  bot: string;
  updateId: number;
}

function textBytes(s: string): number {
  return new TextEncoder().encode(s).length;
}

function splitText(text: string): string[] {
  const parts: string[] = [];
  let i = 0;
  while (i < text.length) {
    let end = Math.min(text.length, i + PART_CHARS);
    // never split a surrogate pair
    if (end < text.length && /[\uD800-\uDBFF]/.test(text[end - 1] ?? "")) end--;
    parts.push(text.slice(i, end));
    i = end;
  }
  return parts;
}

function setMessage(op: Deno.AtomicOperation, m: MessageRecord): void {
  const record: MessageRecord = { ...m };
  // a UTF-16 unit is at most 3 bytes of UTF-8: a short text needs no encoding to know it fits
  if (
    m.text !== undefined && m.text.length * 3 > INLINE_TEXT_BYTES &&
    textBytes(m.text) > INLINE_TEXT_BYTES
  ) {
    const parts = splitText(m.text);
    parts.forEach((p, i) => op.set(K.messagePart(m.ticket, m.seq, i), p));
    delete record.text;
    record.textParts = parts.length;
  }
  op.set(K.message(m.ticket, m.seq), record);
  // an answer given in the manager bot: its source is in that bot's chat with the manager,
  // whose id is also the chat id of their chat with the client bot (a manager may be a client
  // too), so it is not indexed: nothing there is ever looked up
  if (m.via !== "desk") {
    op.set(K.msgRef(m.source.chatId, m.source.messageId), { ticket: m.ticket, seq: m.seq });
  }
  if (m.copy) op.set(K.msgRef(m.copy.chatId, m.copy.messageId), { ticket: m.ticket, seq: m.seq });
}

function indexDiff(op: Deno.AtomicOperation, before: Ticket | null, after: Ticket): void {
  const n = after.number;
  if (!before || before.status !== after.status) {
    if (before) op.delete(K.byStatus(before.status, n));
    op.set(K.byStatus(after.status, n), null);
  }
  if (!before || before.managerId !== after.managerId) {
    if (before?.managerId != null) op.delete(K.byManager(before.managerId, n));
    if (after.managerId !== null) op.set(K.byManager(after.managerId, n), null);
  }
  if (!before) op.set(K.byClient(after.clientId, n), null);
  if (after.postId !== null && before?.postId !== after.postId) {
    op.set(K.byPost(after.postId, after.desk), n);
  }
  if (after.threadId !== null && before?.threadId !== after.threadId) {
    op.set(K.byThread(after.threadId, after.desk), n);
  }
}

function applyChange(
  op: Deno.AtomicOperation,
  before: Ticket | null,
  current: Ticket,
  change: TicketChange,
  seq: number,
  at: number,
): Ticket {
  const ticket = change.ticket ?? current;
  if (change.ticket || !before) {
    op.set(K.ticket(ticket.number), ticket);
    indexDiff(op, before, ticket);
  }
  op.set(K.ticketSeq(ticket.number), seq);
  for (const e of change.events ?? []) op.set(K.event(ticket.number, e.seq), e);
  for (const m of change.messages ?? []) setMessage(op, m);
  for (const j of change.jobs ?? []) op.set(K.outbox(j.ticket, j.lane, j.seq), j);
  if (change.postDirty) op.set(K.postDirty(ticket.number), at);
  for (const id of change.dropHeld?.updateIds ?? []) {
    op.delete(K.held(change.dropHeld!.clientId, id));
  }
  return ticket;
}

/** Adds "processed" marks to `op`; the operation fails if any was already processed. */
export function markInbox(op: Deno.AtomicOperation, marks: InboxMark[], at: number): void {
  for (const m of marks) {
    const key = K.inbox(m.bot, m.updateId);
    op.check({ key, versionstamp: null });
    op.set(key, at, { expireIn: INBOX_TTL_MS });
  }
}

/** Whether any of the updates was processed already (its mark is in the inbox). */
export async function alreadyProcessed(kv: Deno.Kv, marks: InboxMark[]): Promise<boolean> {
  if (marks.length === 0) return false;
  const entries = await kv.getMany(marks.map((m) => K.inbox(m.bot, m.updateId)));
  return entries.some((e) => e.versionstamp !== null);
}

/**
 * Reads ticket `n`, lets `fn` decide the change, and commits it atomically with a check on
 * everything read; retries on conflict. With `inbox`, the update ids are marked processed in
 * the same operation and a second delivery of the same update returns `duplicate`.
 */
export async function changeTicket<R>(
  kv: Deno.Kv,
  n: number,
  at: number,
  fn: ChangeFn<R>,
  inbox: InboxMark[] = [],
  /**
   * A write of another record committed with the change's first attempt only (its checks
   * may be what failed it); `done` is set when it was committed. Why: the flood meter of the
   * relayed message in the same operation, one commit member less per message.
   */
  also?: { write: (op: Deno.AtomicOperation) => void; checks: number; done: boolean },
): Promise<ChangeResult<R>> {
  const cache = lastChanges(kv);
  let known = cache.get(n);
  let extra = also;
  return await retryKv(`change ticket #${n}`, async () => {
    const ride = extra;
    extra = undefined;
    let tEntry: Deno.KvEntryMaybe<Ticket>;
    let sEntry: Deno.KvEntryMaybe<number>;
    const guess = known;
    known = undefined;
    if (guess) {
      // what this process's last change of the ticket committed, checked by the commit as if
      // read; the inbox marks are checked there too: a duplicate fails it and is read below
      [tEntry, sEntry] = guess;
    } else {
      // one read for the ticket, its sequence and the inbox marks
      const entries = await kv.getMany<unknown[]>([
        K.ticket(n),
        K.ticketSeq(n),
        ...inbox.map((m) => K.inbox(m.bot, m.updateId)),
      ]);
      tEntry = entries[0] as Deno.KvEntryMaybe<Ticket>;
      sEntry = entries[1] as Deno.KvEntryMaybe<number>;
      if (entries.slice(2).some((e) => e.versionstamp !== null)) {
        return { ok: false, reason: "duplicate" };
      }
    }
    const ticket = tEntry.value;
    if (!ticket) return { ok: false, reason: "not_found" };
    let seq = sEntry.value ?? 0;
    const decided = fn(ticket, () => ++seq);
    // a refusal is never taken from a guess: nothing would check it
    if ("refuse" in decided) return guess ? CONFLICT : { ok: false, reason: decided.refuse };
    let after = ticket;
    const stamp = await groupCommitStamped(kv, `ticket:${n}`, (op) => {
      op.check(tEntry).check(sEntry);
      markInbox(op, inbox, at);
      after = applyChange(op, ticket, ticket, decided, seq, at);
      ride?.write(op);
    }, 4 + (ride?.checks ?? 0));
    if (stamp === null) {
      cache.delete(n);
      return CONFLICT;
    }
    if (ride) ride.done = true;
    // a change that leaves the ticket as it was (only messages, jobs…) does not write it: its
    // entry keeps the versionstamp it had, or the next change's check would fail on it
    cache.remember(n, after, seq, stamp, decided.ticket ? stamp : tEntry.versionstamp!);
    return { ok: true, ticket: after, result: decided.result, versionstamp: stamp };
  });
}

/**
 * What this process's last change of each ticket committed (the ticket and its sequence, as
 * entries with the commit's versionstamp). The next change of the ticket takes them instead of
 * reading them (one read less per relayed message); its commit checks them like a read, so a
 * write of the ticket by anything else (another process, another function here) only fails
 * that first attempt, which then reads. Bounded: forgotten in bulk past `max` tickets.
 */
class LastChanges {
  readonly #entries = new Map<number, [Deno.KvEntry<Ticket>, Deno.KvEntry<number>]>();
  constructor(readonly max = 10_000) {}

  get(n: number): [Deno.KvEntry<Ticket>, Deno.KvEntry<number>] | undefined {
    return this.#entries.get(n);
  }

  remember(
    n: number,
    ticket: Ticket,
    seq: number,
    versionstamp: string,
    /** The ticket's own, when the commit did not write it. */
    ticketStamp = versionstamp,
  ): void {
    if (this.#entries.size >= this.max && !this.#entries.has(n)) this.#entries.clear();
    this.#entries.set(n, [
      { key: K.ticket(n), value: ticket, versionstamp: ticketStamp },
      { key: K.ticketSeq(n), value: seq, versionstamp },
    ]);
  }

  delete(n: number): void {
    this.#entries.delete(n);
  }
}

const lastChanges = kvState(() => new LastChanges());

/**
 * Tells that ticket `n` is about to be written other than by `changeTicket` (see
 * `LastChanges`): its next change reads it instead of failing a combined commit with a guess.
 */
export function ticketWrittenElsewhere(kv: Deno.Kv, n: number): void {
  lastChanges(kv).delete(n);
}

/** Serializes ticket creation per KV handle, so one process does not fight itself. */
const creations = kvState(() => new KeyedChain());

/** Input of {@linkcode createTicket}. */
export interface CreateTicket<R> {
  topic: string;
  /** The desk of its topic (`deskForTopic`); 0 or absent: the main desk. */
  desk?: number;
  clientId: number;
  /** The client's name at the opening, kept on the ticket for reports. */
  opener?: OpenerName;
  at: number;
  /** Records to write with the new ticket (its first messages, jobs…). */
  with?: ChangeFn<R>;
  inbox?: InboxMark[];
}

/**
 * Creates a ticket with the next number: sequential, no gap, no repeat, also across
 * processes sharing one KV (the counter is checked in the same atomic operation).
 */
export function createTicket<R = undefined>(
  kv: Deno.Kv,
  input: CreateTicket<R>,
): Promise<{ ok: true; ticket: Ticket; result: R | undefined } | { ok: false; reason: string }> {
  return creations(kv).run("ticket", () => createNow(kv, input));
}

async function createNow<R>(
  kv: Deno.Kv,
  input: CreateTicket<R>,
): Promise<{ ok: true; ticket: Ticket; result: R | undefined } | { ok: false; reason: string }> {
  const inbox = input.inbox ?? [];
  // two processes on one file contend for the counter on every creation: five times the bound
  return await retryKv("create a ticket", async () => {
    const counter = await kv.get<number>(K.ticketCounter());
    if (await alreadyProcessed(kv, inbox)) return { ok: false, reason: "duplicate" };
    const number = (counter.value ?? 0) + 1;
    const { ticket, event } = newTicket({
      number,
      topic: input.topic,
      clientId: input.clientId,
      createdAt: input.at,
      desk: input.desk,
      opener: input.opener,
    });
    let seq = 0;
    const nextSeq = () => ++seq;
    const change: TicketChange & { result?: R } = {
      events: [{ ...event, seq: nextSeq() }],
      postDirty: true,
    };
    if (input.with) {
      const more = input.with(ticket, nextSeq);
      if ("refuse" in more) return { ok: false, reason: more.refuse };
      Object.assign(change, {
        ...more,
        events: [...change.events!, ...(more.events ?? [])],
        postDirty: true,
      });
    }
    const op = kv.atomic()
      .check(counter)
      .check({ key: K.ticket(number), versionstamp: null })
      .set(K.ticketCounter(), number);
    markInbox(op, inbox, input.at);
    const after = applyChange(op, null, change.ticket ?? ticket, change, seq, input.at);
    if (!(await op.commit()).ok) return CONFLICT;
    return { ok: true, ticket: after, result: change.result };
  }, { attempts: KV_ATTEMPTS * 5 });
}

/** Reads one ticket. */
export async function getTicket(kv: Deno.Kv, n: number): Promise<Ticket | null> {
  return (await kv.get<Ticket>(K.ticket(n))).value;
}

async function ticketsOf(kv: Deno.Kv, prefix: Deno.KvKey, reverse = true): Promise<Ticket[]> {
  const numbers: number[] = [];
  for await (const e of kv.list({ prefix }, { reverse })) {
    numbers.push(e.key[e.key.length - 1] as number);
  }
  const out: Ticket[] = [];
  for (let i = 0; i < numbers.length; i += 10) {
    const entries = await kv.getMany<Ticket[]>(numbers.slice(i, i + 10).map((n) => K.ticket(n)));
    for (const e of entries) if (e.value) out.push(e.value);
  }
  return out;
}

/** A client's tickets, newest first. */
export function ticketsByClient(kv: Deno.Kv, clientId: number): Promise<Ticket[]> {
  return ticketsOf(kv, K.byClientPrefix(clientId));
}

/** Tickets assigned to a manager, newest first. */
export function ticketsByManager(kv: Deno.Kv, managerId: number): Promise<Ticket[]> {
  return ticketsOf(kv, K.byManagerPrefix(managerId));
}

/** Tickets in a status, newest first. */
export function ticketsByStatus(kv: Deno.Kv, status: TicketStatus): Promise<Ticket[]> {
  return ticketsOf(kv, K.byStatusPrefix(status));
}

/** The ticket whose post in the channel of desk `desk` has this id. */
export async function ticketByPost(kv: Deno.Kv, postId: number, desk = 0): Promise<number | null> {
  return (await kv.get<number>(K.byPost(postId, desk))).value;
}

/** The ticket whose discussion thread in the group of desk `desk` has this root. */
export async function ticketByThread(
  kv: Deno.Kv,
  threadId: number,
  desk = 0,
): Promise<number | null> {
  return (await kv.get<number>(K.byThread(threadId, desk))).value;
}

/**
 * Notes that a channel post of ticket `n` is about to be sent: should the answer be lost, its
 * automatic forward (which names the ticket) is adopted by {@linkcode setThreadRoot}.
 */
export async function notePostAttempt(kv: Deno.Kv, n: number, at: number): Promise<void> {
  // kept after the send: a forward arriving late links a repeated post as a duplicate
  await kv.set(K.postAttempt(n), at, { expireIn: 7 * 24 * 3_600_000 });
}

/** The ticket with `postId` recorded as a duplicate post (its root, if known). */
function withDuplicate(ticket: Ticket, postId: number, threadId: number | null, at: number) {
  const others = (ticket.duplicates ?? []).filter((d) => d.postId !== postId);
  return {
    ...ticket,
    duplicates: [...others, { postId, threadId }],
    updatedAt: Math.max(ticket.updatedAt, at),
  };
}

/**
 * Records the channel post of a ticket. If its thread root already arrived (the automatic
 * forward can come before the post id is stored), the root is attached in the same operation.
 * A ticket that has a post already (adopted from the forward of a send whose answer was lost)
 * keeps it: this one is recorded as a duplicate whose thread maps to the ticket as well.
 * `desk`: the desk whose channel got the post.
 */
export async function setPostId(
  kv: Deno.Kv,
  n: number,
  postId: number,
  at: number,
  desk = 0,
): Promise<Ticket> {
  return await retryKv(`record the post of ticket #${n}`, async () => {
    const [tEntry, early] = await kv.getMany<[Ticket, number]>([
      K.ticket(n),
      K.rootEarly(postId, desk),
    ]);
    const ticket = tEntry.value;
    if (!ticket) throw new NotFoundError(`Cannot record the post of ticket #${n}: no such ticket`);
    // posted on another desk than the ticket is on now (it was moved meanwhile): not its post
    if ((ticket.desk ?? 0) !== desk) return ticket;
    if (ticket.postId === postId && (early.value === null || ticket.threadId !== null)) {
      return ticket;
    }
    const dup = ticket.duplicates?.find((d) => d.postId === postId);
    if (dup && (early.value === null || dup.threadId !== null)) return ticket;
    const duplicate = ticket.postId !== null && ticket.postId !== postId;
    const after: Ticket = duplicate
      ? withDuplicate(ticket, postId, dup?.threadId ?? early.value ?? null, at)
      : {
        ...ticket,
        postId,
        threadId: ticket.threadId ?? early.value ?? null,
        updatedAt: Math.max(ticket.updatedAt, at),
      };
    ticketWrittenElsewhere(kv, n);
    const op = kv.atomic().check(tEntry).check(early).set(K.ticket(n), after);
    indexDiff(op, ticket, after);
    if (duplicate) {
      op.set(K.byPost(postId, desk), n);
      if (early.value !== null) op.set(K.byThread(early.value, desk), n);
    }
    if (early.value !== null) op.delete(K.rootEarly(postId, desk));
    return (await op.commit()).ok ? after : CONFLICT;
  });
}

/**
 * Records the thread root G of the post `postId`. Returns the ticket when it is known; when
 * the post id is not stored yet, keeps the root aside for {@linkcode setPostId} and returns null.
 *
 * `claimed`: the ticket the post names (its number in the text). When a post of that ticket
 * was attempted ({@linkcode notePostAttempt}), the post is adopted at once: as the ticket's
 * post when it has none (the send's answer was lost), else as a duplicate, so that comments
 * under it reach the client too. A ticket whose returned `postId` differs from `postId` got a
 * duplicate. `desk`: the desk whose group got the automatic forward (post ids are per channel).
 */
export async function setThreadRoot(
  kv: Deno.Kv,
  postId: number,
  rootId: number,
  at: number,
  claimed?: number,
  desk = 0,
): Promise<Ticket | null> {
  return await retryKv(`record the thread of post ${postId}`, async () => {
    const byPost = await kv.get<number>(K.byPost(postId, desk));
    if (byPost.value === null) {
      const adopted = claimed !== undefined
        ? await adoptPost(kv, byPost, claimed, postId, rootId, at, desk)
        : "none";
      if (adopted === "busy") return CONFLICT;
      if (adopted !== "none") return adopted;
      const op = kv.atomic().check(byPost).set(K.rootEarly(postId, desk), rootId, {
        expireIn: 7 * 24 * 3_600_000,
      });
      return (await op.commit()).ok ? null : CONFLICT;
    }
    const tEntry = await kv.get<Ticket>(K.ticket(byPost.value));
    const ticket = tEntry.value;
    if (!ticket) return null;
    let after: Ticket;
    if (ticket.postId === postId) {
      if (ticket.threadId === rootId) return ticket;
      after = { ...ticket, threadId: rootId, updatedAt: Math.max(ticket.updatedAt, at) };
    } else {
      // a duplicate post: its thread leads to the ticket as well, the main thread stays
      if (ticket.duplicates?.some((d) => d.postId === postId && d.threadId === rootId)) {
        return ticket;
      }
      after = withDuplicate(ticket, postId, rootId, at);
    }
    ticketWrittenElsewhere(kv, ticket.number);
    const op = kv.atomic().check(tEntry).set(K.ticket(ticket.number), after);
    indexDiff(op, ticket, after);
    if (ticket.postId !== postId) op.set(K.byThread(rootId, desk), ticket.number);
    return (await op.commit()).ok ? after : CONFLICT;
  });
}

/**
 * Adopts the post `postId` (root `rootId`) for the ticket it names, if a post of that ticket
 * was attempted: "none" when not, "busy" when a concurrent change won (try again).
 */
async function adoptPost(
  kv: Deno.Kv,
  byPost: Deno.KvEntryMaybe<number>,
  n: number,
  postId: number,
  rootId: number,
  at: number,
  desk: number,
): Promise<Ticket | "none" | "busy"> {
  const [tEntry, tried] = await kv.getMany<[Ticket, number]>([K.ticket(n), K.postAttempt(n)]);
  const ticket = tEntry.value;
  // a post in another desk's channel than the ticket's is not one of its posts
  if (!ticket || tried.value === null || (ticket.desk ?? 0) !== desk) return "none";
  const duplicate = ticket.postId !== null;
  const after: Ticket = duplicate ? withDuplicate(ticket, postId, rootId, at) : {
    ...ticket,
    postId,
    threadId: ticket.threadId ?? rootId,
    updatedAt: Math.max(ticket.updatedAt, at),
  };
  const op = kv.atomic().check(byPost).check(tEntry).set(K.ticket(n), after);
  indexDiff(op, ticket, after);
  op.set(K.byPost(postId, desk), n).set(K.byThread(rootId, desk), n);
  return (await op.commit()).ok ? after : "busy";
}

/** Reads one message record with its full text. */
export async function getMessage(
  kv: Deno.Kv,
  n: number,
  seq: number,
): Promise<MessageRecord | null> {
  const m = (await kv.get<MessageRecord>(K.message(n, seq))).value;
  return m ? await withFullText(kv, m) : null;
}

async function withFullText(kv: Deno.Kv, m: MessageRecord): Promise<MessageRecord> {
  if (!m.textParts) return m;
  const parts: string[] = [];
  for await (const e of kv.list<string>({ prefix: K.messageParts(m.ticket, m.seq) })) {
    parts.push(e.value);
  }
  const { textParts: _, ...rest } = m;
  return { ...rest, text: parts.join("") };
}

/** All messages of a ticket, in order, with full texts. */
export async function listMessages(kv: Deno.Kv, n: number): Promise<MessageRecord[]> {
  const out: MessageRecord[] = [];
  for await (const e of kv.list<MessageRecord>({ prefix: K.messagePrefix(n) })) {
    out.push(await withFullText(kv, e.value));
  }
  return out;
}

/** All events of a ticket, in order. */
export async function listEvents(kv: Deno.Kv, n: number): Promise<TicketEvent[]> {
  const out: TicketEvent[] = [];
  for await (const e of kv.list<TicketEvent>({ prefix: K.eventPrefix(n) })) out.push(e.value);
  return out;
}

/** Finds the ticket message behind a Telegram message (a source or a delivered copy). */
export async function findMessageRef(
  kv: Deno.Kv,
  chatId: number,
  messageId: number,
): Promise<{ ticket: number; seq: number } | null> {
  return (await kv.get<{ ticket: number; seq: number }>(K.msgRef(chatId, messageId))).value;
}

/** Marks an update processed unless it already was; true the first time. */
export async function markProcessed(
  kv: Deno.Kv,
  bot: string,
  updateId: number,
  at: number,
): Promise<boolean> {
  const op = kv.atomic();
  markInbox(op, [{ bot, updateId }], at);
  return (await op.commit()).ok;
}

/**
 * A ticket and its client in one read when the client's id is already known (`clientId`),
 * else in two.
 */
export async function getTicketAndClient(
  kv: Deno.Kv,
  n: number,
  clientId?: number,
): Promise<{ ticket: Ticket | null; client: Client | null }> {
  if (clientId !== undefined) {
    const [t, c] = await kv.getMany<[Ticket, Client]>([K.ticket(n), K.client(clientId)]);
    if (!t.value || t.value.clientId === clientId) return { ticket: t.value, client: c.value };
  }
  const ticket = await getTicket(kv, n);
  const client = ticket ? (await kv.get<Client>(K.client(ticket.clientId))).value : null;
  return { ticket, client };
}

/**
 * Records where message `seq` stands in the ticket's thread (`MessageRecord.thread`: an answer
 * given in the manager bot, written there by the outbox), checked against a concurrent change
 * of the record; a manager's reply to that comment then refers to the record. False when the
 * record is gone.
 */
export async function setThreadCopy(
  kv: Deno.Kv,
  n: number,
  seq: number,
  thread: MsgAddr,
): Promise<boolean> {
  return await retryKv(`record the thread copy of #${n}`, async () => {
    const entry = await kv.get<MessageRecord>(K.message(n, seq));
    if (!entry.value) return false;
    const ok = (await kv.atomic().check(entry)
      .set(entry.key, { ...entry.value, thread } satisfies MessageRecord)
      .set(K.msgRef(thread.chatId, thread.messageId), { ticket: n, seq })
      .commit()).ok;
    return ok ? true : CONFLICT;
  });
}
