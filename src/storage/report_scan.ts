/**
 * Read-only streaming scans for reports: tickets with their events and messages, one ticket at
 * a time, in ticket-number order.
 *
 * Tickets, events and messages are three key ranges ordered by ticket number, so the scan walks
 * each range once side by side (a merge join) instead of issuing a list per ticket. Events and
 * messages are read only for tickets the caller selects; a long run of unselected tickets is
 * jumped over by restarting the range at the next selected ticket.
 *
 * @module
 */
import type { Client, MessageRecord } from "../domain/records.ts";
import type { Ticket, TicketEvent } from "../domain/ticket.ts";
import { K } from "./keys.ts";

/**
 * Entries fetched per round trip: Deno KV's default. Larger batches are no faster and cost
 * memory: 500 makes a full scan of a million messages peak at 150 MB resident instead of 95.
 */
const BATCH = 100;
/** Beyond this many unselected tickets, restarting a range beats reading through it. */
const JUMP_AFTER_TICKETS = 64;
/** Deno KV's limit of keys per getMany. */
const GET_MANY = 10;

/** One ticket with its history, in storage order. */
export interface TicketHistory {
  ticket: Ticket;
  events: TicketEvent[];
  messages: MessageRecord[];
}

/** Options of {@link scanTicketHistories}. */
export interface ScanOptions {
  /** Tickets to yield; others are passed over without reading their history. */
  select?: (ticket: Ticket) => boolean;
  /** Read events (default true). */
  events?: boolean;
  /** Read messages (default true). Long texts are not joined: reports need no texts. */
  messages?: boolean;
  /** Called after each ticket record read (selected or not), with the count so far. */
  onTicket?: (seen: number) => void;
}

/** Reads the per-ticket records of one key range ("event" or "message") in step with tickets. */
class RangeCursor<T> {
  readonly #kv: Deno.Kv;
  readonly #name: string;
  #iter: Deno.KvListIterator<T> | null = null;
  /** Entry read ahead: undefined = none buffered, null = range exhausted. */
  #head: Deno.KvEntry<T> | null | undefined = undefined;
  #last = -Infinity;

  constructor(kv: Deno.Kv, name: string) {
    this.#kv = kv;
    this.#name = name;
  }

  /** Records of ticket `n`; `n` must not decrease between calls. */
  async take(n: number, skipped: number): Promise<T[]> {
    if (!this.#iter || skipped > JUMP_AFTER_TICKETS || n < this.#last) {
      this.#iter = this.#kv.list<T>(
        { prefix: [this.#name], start: [this.#name, n] },
        { batchSize: BATCH, consistency: "eventual" },
      );
      this.#head = undefined;
    }
    this.#last = n;
    const out: T[] = [];
    for (;;) {
      if (this.#head === undefined) {
        const r = await this.#iter.next();
        this.#head = r.done ? null : r.value;
      }
      const head = this.#head;
      if (head === null) break;
      const owner = head.key[1];
      if (typeof owner !== "number" || owner < n) {
        this.#head = undefined;
        continue;
      }
      if (owner > n) break;
      out.push(head.value);
      this.#head = undefined;
    }
    return out;
  }
}

/**
 * Every ticket (in number order) chosen by `select`, with its events and messages. Holds one
 * ticket's history at a time.
 */
export async function* scanTicketHistories(
  kv: Deno.Kv,
  options: ScanOptions = {},
): AsyncGenerator<TicketHistory> {
  const events = options.events === false ? null : new RangeCursor<TicketEvent>(kv, "event");
  const messages = options.messages === false
    ? null
    : new RangeCursor<MessageRecord>(kv, "message");
  let seen = 0, skipped = 0;
  const tickets = kv.list<Ticket>({ prefix: K.tickets() }, {
    batchSize: BATCH,
    consistency: "eventual",
  });
  for await (const entry of tickets) {
    const ticket = entry.value;
    options.onTicket?.(++seen);
    if (options.select && !options.select(ticket)) {
      skipped++;
      continue;
    }
    const n = ticket.number;
    const [ev, msgs] = await Promise.all([
      events ? events.take(n, skipped) : [],
      messages ? messages.take(n, skipped) : [],
    ]);
    skipped = 0;
    yield { ticket, events: ev, messages: msgs };
  }
}

/** Number of ticket records (for progress); reads keys only up to the last ticket. */
export async function lastTicketNumber(kv: Deno.Kv): Promise<number> {
  return (await kv.get<number>(K.ticketCounter())).value ?? 0;
}

/** Reads clients by id, 10 per round trip; unknown ids are left out of the map. */
export async function readClients(
  kv: Deno.Kv,
  ids: readonly number[],
): Promise<Map<number, Client>> {
  const out = new Map<number, Client>();
  const chunks: number[][] = [];
  for (let i = 0; i < ids.length; i += GET_MANY) chunks.push(ids.slice(i, i + GET_MANY));
  const results = await Promise.all(
    chunks.map((chunk) =>
      kv.getMany<Client[]>(chunk.map((id) => K.client(id)), { consistency: "eventual" })
    ),
  );
  for (const entries of results) {
    for (const e of entries) if (e.value) out.set(e.value.id, e.value);
  }
  return out;
}

/**
 * A plain full read of every ticket, event and message record, one range after the other;
 * the baseline the report benchmark compares against.
 */
export async function scanAllHistoryRecords(
  kv: Deno.Kv,
): Promise<{ tickets: number; events: number; messages: number }> {
  const count = async (prefix: Deno.KvKey) => {
    let n = 0;
    for await (const _ of kv.list({ prefix }, { batchSize: BATCH, consistency: "eventual" })) n++;
    return n;
  };
  const tickets = await count(K.tickets());
  const events = await count(K.events());
  const messages = await count(K.messages());
  return { tickets, events, messages };
}
