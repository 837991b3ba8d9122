/**
 * The durable outbox: jobs wait in KV, per ticket and lane, until delivered.
 *
 * @module
 */
import type { Lane, MessageRecord, MsgAddr, OutboxJob } from "../domain/records.ts";
import type { Ticket } from "../domain/ticket.ts";
import { groupCommit } from "./commit_batcher.ts";
import { K } from "./keys.ts";
import { getMessage, ticketWrittenElsewhere } from "./tickets.ts";
import { CONFLICT, retryKv } from "./retry.ts";

/** The first job waiting in a lane, with its versionstamp. */
export async function headJob(
  kv: Deno.Kv,
  ticket: number,
  lane: Lane,
): Promise<Deno.KvEntry<OutboxJob> | null> {
  for await (const e of kv.list<OutboxJob>({ prefix: K.outboxLane(ticket, lane) }, { limit: 1 })) {
    return e;
  }
  return null;
}

/** The first `limit` jobs waiting in a lane, in order, with their versionstamps. */
export async function laneJobs(
  kv: Deno.Kv,
  ticket: number,
  lane: Lane,
  limit: number,
): Promise<Deno.KvEntry<OutboxJob>[]> {
  const out: Deno.KvEntry<OutboxJob>[] = [];
  for await (const e of kv.list<OutboxJob>({ prefix: K.outboxLane(ticket, lane) }, { limit })) {
    out.push(e);
  }
  return out;
}

/** Message records by seq, as stored (long texts not joined), for the outbox's look-ahead. */
export async function messagesOf(
  kv: Deno.Kv,
  ticket: number,
  seqs: number[],
): Promise<Array<MessageRecord | null>> {
  const out: Array<MessageRecord | null> = [];
  // getMany takes at most 10 keys
  for (let i = 0; i < seqs.length; i += 10) {
    const got = await kv.getMany<MessageRecord[]>(
      seqs.slice(i, i + 10).map((s) => K.message(ticket, s)),
    );
    out.push(...got.map((e) => e.value));
  }
  return out;
}

/**
 * A message record as stored, with its versionstamp (what a completion may check instead of
 * reading it again), and the record with its full text (a long text's parts joined).
 */
export async function messageForJob(
  kv: Deno.Kv,
  ticket: number,
  seq: number,
): Promise<{ entry: Deno.KvEntryMaybe<MessageRecord>; message: MessageRecord | null }> {
  const entry = await kv.get<MessageRecord>(K.message(ticket, seq));
  // a long text is stored in parts: only then a second read
  const message = entry.value?.textParts ? await getMessage(kv, ticket, seq) : entry.value;
  return { entry, message };
}

/** Longest text (UTF-16 units) surely stored inline in its record (see `setMessage`). */
const INLINE_TEXT_UNITS = 8_000;

/**
 * Message records just committed (by `changeTicket`, whose result gives `versionstamp`) as
 * the entries a read would return, by seq; a long text may be stored in parts, so such a
 * record is left out (it is read).
 */
export function committedRecords(
  records: MessageRecord[],
  versionstamp: string,
): Map<number, Deno.KvEntry<MessageRecord>> {
  const out = new Map<number, Deno.KvEntry<MessageRecord>>();
  for (const m of records) {
    // 3 bytes of UTF-8 at most per UTF-16 unit: under tickets.ts's 24,000 inline bytes
    if ((m.text?.length ?? 0) > INLINE_TEXT_UNITS) continue;
    out.set(m.seq, { key: K.message(m.ticket, m.seq), value: m, versionstamp });
  }
  return out;
}

/**
 * Jobs just committed (by `changeTicket`, whose result gives `versionstamp`) as the entries a
 * list of their lane would return, in lane order.
 */
export function committedJobs(jobs: OutboxJob[], versionstamp: string): Deno.KvEntry<OutboxJob>[] {
  return jobs.map((j) => ({ key: K.outbox(j.ticket, j.lane, j.seq), value: j, versionstamp }))
    .sort((a, b) => a.value.seq - b.value.seq);
}

/** Every lane that has work, as `[ticket, lane]` pairs. */
export async function busyLanes(kv: Deno.Kv): Promise<Array<[number, Lane]>> {
  const seen = new Set<string>();
  const out: Array<[number, Lane]> = [];
  for await (const e of kv.list({ prefix: K.outboxAll() })) {
    const id = `${String(e.key[1])}:${String(e.key[2])}`;
    if (!seen.has(id)) {
      seen.add(id);
      out.push([e.key[1] as number, e.key[2] as Lane]);
    }
  }
  return out;
}

/** Tickets whose channel post waits to be (re)rendered. */
export async function dirtyPosts(kv: Deno.Kv): Promise<number[]> {
  const out: number[] = [];
  for await (const e of kv.list({ prefix: K.postDirtyAll() })) out.push(e.key[1] as number);
  return out;
}

/** Reads the post-dirty marker of a ticket. */
export function postDirtyEntry(kv: Deno.Kv, ticket: number): Promise<Deno.KvEntryMaybe<number>> {
  return kv.get<number>(K.postDirty(ticket));
}

/** Clears the post-dirty marker unless it was set again meanwhile. */
export async function clearPostDirty(kv: Deno.Kv, entry: Deno.KvEntryMaybe<number>) {
  return (await kv.atomic().check(entry).delete(entry.key).commit()).ok;
}

/** Marks a ticket's post for re-rendering. */
export async function markPostDirty(kv: Deno.Kv, ticket: number, at: number): Promise<void> {
  await kv.set(K.postDirty(ticket), at);
}

/** A job taken out of its lane for good, with why; see `K.outboxQuarantine`. */
export interface QuarantinedJob {
  job: OutboxJob;
  /** Why it cannot be delivered (redacted). */
  reason: string;
  /** Failed attempts made. */
  attempts: number;
  /** When the first attempt failed (null: it was never tried, e.g. an unknown type). */
  firstFailedAt: number | null;
  /** When it was set aside. */
  quarantinedAt: number;
}

/** A copy a job produced: the message it carries, where it is, and how it was written. */
export interface CopyDone {
  seq: number;
  copy: MsgAddr;
  /** Every seq coalesced into this copy (see `MessageRecord.merged`). */
  merged?: number[];
  /** The bot that wrote it, when not the client bot. */
  bot?: "manager";
}

/** What a finished job leaves behind. */
export interface Completion {
  job: Deno.KvEntry<OutboxJob>;
  /** Later jobs of the same lane done by the same call (their messages were coalesced). */
  also?: Deno.KvEntry<OutboxJob>[];
  copies: CopyDone[];
  failed?: Array<{ seq: number; reason: string }>;
  headerId?: number;
  /** The job is set aside in the quarantine instead of just removed. */
  quarantine?: QuarantinedJob;
  /**
   * Records of `copies` as the job's sender read them: checked as read instead of read again
   * (one read less per message; a change meanwhile fails the check and the completion is
   * recorded again from fresh reads).
   */
  read?: Deno.KvEntryMaybe<MessageRecord>[];
}

/** Reads what a completion checks and returns the mutations that record it. */
async function prepare(kv: Deno.Kv, c: Completion): Promise<(op: Deno.AtomicOperation) => void> {
  const n = c.job.value.ticket;
  const failed = c.failed ?? [];
  const keys = [...c.copies, ...failed].map((x) => K.message(n, x.seq));
  const known = new Map<string, Deno.KvEntryMaybe<MessageRecord>>();
  for (const e of c.read ?? []) if (e.value) known.set(String(e.value.seq), e);
  const missing = keys.filter((k) => !known.has(String(k[2])));
  const got: Deno.KvEntryMaybe<MessageRecord>[] = [];
  // getMany takes at most 10 keys (a coalesced comment can carry more messages)
  for (let i = 0; i < missing.length; i += 10) {
    got.push(...await kv.getMany<MessageRecord[]>(missing.slice(i, i + 10)));
  }
  for (const e of got) known.set(String(e.key[2]), e);
  const records = keys.map((k) => known.get(String(k[2]))!);
  const ticketEntry = c.headerId !== undefined ? await kv.get<Ticket>(K.ticket(n)) : null;
  if (ticketEntry) ticketWrittenElsewhere(kv, n);
  return (op) => {
    op.check(c.job).delete(c.job.key);
    for (const j of c.also ?? []) op.check(j).delete(j.key);
    if (c.quarantine) {
      const j = c.job.value;
      op.set(K.outboxQuarantine(j.ticket, j.lane, j.seq), c.quarantine);
    }
    records.forEach((r, i) => {
      if (!r.value) return;
      op.check(r);
      const copy = c.copies[i];
      if (copy) {
        const { merged: _m, copyBot: _b, ...rest } = r.value;
        op.set(
          r.key,
          {
            ...rest,
            copy: copy.copy,
            delivery: "sent",
            ...(copy.merged && copy.merged.length > 1 ? { merged: copy.merged } : {}),
            ...(copy.bot ? { copyBot: copy.bot } : {}),
          } satisfies MessageRecord,
        );
        // a coalesced comment is referred to by its first part (a reply to it replies there)
        if (!copy.merged || copy.merged[0] === copy.seq) {
          op.set(K.msgRef(copy.copy.chatId, copy.copy.messageId), { ticket: n, seq: copy.seq });
        }
      } else {
        const f = failed[i - c.copies.length]!;
        op.set(
          r.key,
          { ...r.value, delivery: "failed", failure: f.reason } satisfies MessageRecord,
        );
      }
    });
    if (ticketEntry?.value) {
      op.check(ticketEntry).set(ticketEntry.key, {
        ...ticketEntry.value,
        clientHeaderId: c.headerId!,
      });
      // the header belongs to the ticket: a client's reply to it goes there (seq 0 = no record)
      op.set(K.msgRef(ticketEntry.value.clientId, c.headerId!), { ticket: n, seq: 0 });
    }
  };
}

/**
 * A job is done: removes it and records the copies it produced (message record and the
 * copy → record index), in one atomic operation.
 */
export async function completeJob(kv: Deno.Kv, c: Completion): Promise<void> {
  // fresh reads on every attempt: what the sender read may be what failed the check
  const fresh: Completion = { ...c, read: undefined };
  return await retryKv(`complete job ${c.job.key.join("/")}`, async () => {
    const apply = await prepare(kv, fresh);
    const op = kv.atomic();
    apply(op);
    if ((await op.commit()).ok) return;
    const still = await kv.get(c.job.key);
    if (still.versionstamp !== c.job.versionstamp) return; // someone else completed it
    return CONFLICT;
  });
}

/**
 * Records a completion, group-committed with others finishing at the same moment (see
 * commit_batcher.ts); retried on its own when its checks fail.
 */
export async function completeJobBatched(kv: Deno.Kv, c: Completion): Promise<void> {
  const apply = await prepare(kv, c);
  const checks = 2 + (c.also?.length ?? 0) + c.copies.length + (c.failed?.length ?? 0);
  if (await groupCommit(kv, `ticket:${c.job.value.ticket}`, apply, checks)) return;
  await completeJob(kv, c);
}

/**
 * Records a failed attempt in the job itself (attempt count, first failure, reasons logged);
 * returns false when the job changed or went meanwhile.
 */
export async function saveAttempt(
  kv: Deno.Kv,
  job: Deno.KvEntry<OutboxJob>,
  next: OutboxJob,
): Promise<boolean> {
  return (await kv.atomic().check(job).set(job.key, next).commit()).ok;
}

/** Every quarantined job, in ticket, lane and job order. */
export async function quarantinedJobs(kv: Deno.Kv): Promise<QuarantinedJob[]> {
  const out: QuarantinedJob[] = [];
  for await (const e of kv.list<QuarantinedJob>({ prefix: K.outboxQuarantineAll() })) {
    out.push(e.value);
  }
  return out;
}
