/**
 * The detail sheets' rows (tickets, SLA breaches, ratings) built while scanning, named with
 * their clients in batches, and spilled as the sheet's XML until the workbook reaches it.
 *
 * @module
 */
import type { CycleMetrics } from "../../domain/metrics.ts";
import { ticketMetrics } from "../../domain/metrics.ts";
import type { Client } from "../../domain/records.ts";
import { priorityOf, type Ticket } from "../../domain/ticket.ts";
import { readClients } from "../../storage/report_scan.ts";
import { hashtags } from "../links.ts";
import type { ReportContext } from "./context.ts";
import { ZoneClock } from "./period.ts";
import { RowXml, WidthTracker } from "./sheets.ts";
import type { Spill, SpillCell, SpillRow } from "./spill.ts";
import type { StyleRegistry } from "./xlsx_writer.ts";

/** Clients whose names are kept between tickets; a client's tickets are often close together. */
const CLIENT_CACHE = 10_000;
/** Tickets whose rows wait for one batched lookup of their clients' names. */
const PENDING_TICKETS = 200;

/** A name → value cache that forgets the least recently used entry beyond `limit`. */
class Lru<K, V> {
  readonly #map = new Map<K, V>();
  constructor(readonly limit: number) {}
  get(key: K): V | undefined {
    const v = this.#map.get(key);
    if (v !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }
  set(key: K, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.limit) this.#map.delete(this.#map.keys().next().value as K);
  }
}

/** A client as the workbook shows it. */
interface ClientView {
  name: string;
  username: string | null;
}

function clientView(
  c: Pick<Client, "firstName" | "lastName" | "username"> | undefined,
  id: number,
): ClientView {
  if (!c) return { name: `#${id}`, username: null };
  return {
    name: [c.firstName, c.lastName].filter(Boolean).join(" "),
    username: c.username ? `@${c.username}` : null,
  };
}

/** The three detail sheets' spilled rows and their column widths. */
export type DetailSheet = "tickets" | "breaches" | "ratings";

/** A detail row on its way; `view` when its ticket kept its client's name. */
interface PendingRow {
  sheet: DetailSheet;
  row: SpillRow;
  view?: ClientView;
}

/** Rows waiting for their clients' names, and the lookup of those not yet known. */
interface Batch {
  rows: PendingRow[];
  /** Clients asked for (those neither cached nor asked for by the batch before). */
  asked: number[];
  /** Their records; an unknown id is left out. */
  lookup: Promise<Map<number, Client>>;
}

/**
 * Detail rows on their way to the spills. A row carries its client's id in the client column
 * until one batched lookup gives the names of many clients at once. The lookup of a batch runs
 * while the scan goes on to the next one, and the batch is written when that one is full: the
 * KV answers the lookups while the report decodes and computes, instead of the scan waiting for
 * them (they were ~2 s of the report's time over a plain scan, at 100,000 tickets).
 */
export class DetailRows {
  readonly spills: Record<DetailSheet, Spill>;
  readonly widths: Record<DetailSheet, WidthTracker>;
  readonly #xml: Record<DetailSheet, RowXml>;
  readonly #clients = new Lru<number, ClientView>(CLIENT_CACHE);
  /** The client column of each detail sheet. */
  readonly #clientCol: Record<DetailSheet, number>;
  #pending: PendingRow[] = [];
  #pendingClients = new Set<number>();
  /** The batch whose names are being looked up, written once the next batch is full. */
  #asked: Batch | null = null;
  /** Clients the batch in {@link #asked} looks up. */
  #askedClients = new Set<number>();

  constructor(
    readonly kv: Deno.Kv,
    readonly ctx: ReportContext,
    spills: Record<DetailSheet, Spill>,
    /** The workbook's styles: the rows are written before the workbook is. */
    readonly styles: StyleRegistry,
  ) {
    const { cols, l } = ctx;
    this.spills = spills;
    this.#clientCol = { tickets: cols.T.client, breaches: cols.B.client, ratings: cols.R.client };
    this.widths = {
      tickets: new WidthTracker(cols.tickets, [l.yes, l.no]),
      breaches: new WidthTracker(cols.breaches),
      ratings: new WidthTracker(cols.ratings),
    };
    const o = { zone: new ZoneClock(ctx.o.settings.timeZone), yes: l.yes, no: l.no };
    this.#xml = {
      tickets: new RowXml(styles, cols.tickets, o),
      breaches: new RowXml(styles, cols.breaches, o),
      ratings: new RowXml(styles, cols.ratings, o),
    };
  }

  /**
   * Queues a row whose client column holds its ticket's client id. A ticket that kept its
   * client's name at the opening is named at once; the others wait for a batched lookup.
   */
  async add(
    sheet: DetailSheet,
    row: SpillRow,
    ticket: Pick<Ticket, "clientId" | "opener">,
  ): Promise<void> {
    const view = ticket.opener ? clientView(ticket.opener, ticket.clientId) : undefined;
    if (view && !this.#pending.length && !this.#asked) {
      // nothing waits before it: written now, the order of the rows is kept
      await this.#spill({ sheet, row, view });
      return;
    }
    this.#pending.push({ sheet, row, view });
    if (!view) this.#pendingClients.add(ticket.clientId);
    if (
      this.#pendingClients.size >= PENDING_TICKETS || this.#pending.length >= PENDING_TICKETS * 4
    ) {
      await this.#rotate();
    }
  }

  /** Names the queued rows' clients and spills every row queued. */
  async flush(): Promise<void> {
    await this.#rotate();
    await this.#rotate();
  }

  /**
   * Starts the lookup of the queued rows' unknown clients, then writes the batch asked for
   * before (its lookup has had the time of a whole batch to come back).
   */
  async #rotate(): Promise<void> {
    const before = this.#asked;
    if (this.#pending.length) {
      const clients = this.#clients;
      const asked = this.#askedClients;
      // a client the batch before asks for is cached by the time this batch is written
      const missing = [...this.#pendingClients].filter((id) =>
        !asked.has(id) && clients.get(id) === undefined
      );
      const lookup = missing.length
        ? readClients(this.kv, missing)
        : Promise.resolve(new Map<number, Client>());
      // awaited when the batch is written; a failure in between is not left unhandled
      lookup.catch(() => {});
      this.#asked = { rows: this.#pending, asked: missing, lookup };
      this.#askedClients = new Set(missing);
      this.#pending = [];
      this.#pendingClients = new Set();
    } else {
      this.#asked = null;
      this.#askedClients = new Set();
    }
    if (before) await this.#write(before);
  }

  /** Names a batch's rows and spills them, in the order they came. */
  async #write(batch: Batch): Promise<void> {
    const clients = this.#clients;
    const found = await batch.lookup;
    for (const id of batch.asked) clients.set(id, clientView(found.get(id), id));
    // Clients evicted from the cache since the batch was asked for (in theory: the cache
    // holds far more than two batches): one more lookup of exactly those.
    const unnamed = new Set<number>();
    for (const { sheet, row, view } of batch.rows) {
      const id = row[this.#clientCol[sheet]] as number;
      if (!view && clients.get(id) === undefined) unnamed.add(id);
    }
    if (unnamed.size) {
      const late = await readClients(this.kv, [...unnamed]);
      for (const id of unnamed) clients.set(id, clientView(late.get(id), id));
    }
    for (const p of batch.rows) {
      const id = p.row[this.#clientCol[p.sheet]] as number;
      await this.#spill({ ...p, view: p.view ?? clients.get(id) ?? clientView(undefined, id) });
    }
  }

  /** Writes one named row as its sheet's XML (rows below the header start at row 2). */
  async #spill({ sheet, row, view }: PendingRow & { view: ClientView }): Promise<void> {
    row[this.#clientCol[sheet]] = view.name;
    // The Tickets sheet shows the username beside the name.
    if (sheet === "tickets") row[this.ctx.cols.T.username] = view.username;
    this.widths[sheet].see(row);
    const spill = this.spills[sheet];
    const deflating = spill.push(this.#xml[sheet].row(spill.count + 2, row));
    if (deflating) await deflating;
  }
}

/** Rows of the SLA breaches sheet for one cycle, charged to the holder at the crossing. */
export function breachRows(
  ctx: ReportContext,
  ticket: Ticket,
  link: SpillCell,
  c: CycleMetrics,
): SpillRow[] {
  const { l, managerName } = ctx;
  const row = (
    kind: string,
    ms: number,
    target: number,
    endedAt: number | null,
    who: number | null,
  ) => [
    ticket.number,
    link,
    c.index + 1,
    kind,
    c.startedAt,
    endedAt,
    ms,
    target,
    ms - target,
    managerName(who),
    ticket.topic,
    ticket.clientId,
  ];
  const rows: SpillRow[] = [];
  if (c.reactionOk === false) {
    rows.push(
      row(
        l.kindReaction,
        c.reactionElapsedMs,
        c.reactionTargetMs,
        c.firstReplyAt,
        c.reactionBreachManagerId,
      ),
    );
  }
  if (c.resolutionOk === false) {
    rows.push(
      row(
        l.kindResolution,
        c.resolutionElapsedMs,
        c.closeTargetMs,
        c.closedAt,
        c.resolutionBreachManagerId,
      ),
    );
  }
  return rows;
}

/** The Ratings sheet's row of a rated cycle. */
export function ratingRow(
  ctx: ReportContext,
  ticket: Ticket,
  link: SpillCell,
  c: CycleMetrics,
): SpillRow {
  return [
    ticket.number,
    link,
    c.index + 1,
    c.rating,
    c.ratingComment,
    c.ratedAt,
    c.closedAt,
    ctx.managerName(c.managerId),
    ticket.topic,
    ticket.clientId,
  ];
}

/** The Tickets sheet's row of a ticket with a cycle in the period. */
export function ticketRow(
  ctx: ReportContext,
  ticket: Ticket,
  link: SpillCell,
  cycles: readonly CycleMetrics[],
  inPeriod: number,
  messages: { in: number; out: number },
): SpillRow {
  const { l } = ctx;
  const tm = ticketMetrics(ticket, cycles);
  const first = cycles[0];
  const status = ticket.status === "closed"
    ? l.closedStatus
    : ticket.status === "open"
    ? l.open
    : l.in_progress;
  return [
    ticket.number,
    link,
    ticket.topic,
    status,
    ticket.clientId,
    null,
    ticket.clientId,
    ctx.managerName(ticket.managerId),
    ticket.createdAt,
    first?.firstReplyAt ?? null,
    cycles.at(-1)?.closedAt ?? null,
    cycles.length,
    inPeriod,
    tm.reopenCount,
    tm.firstReactionMs,
    first?.reactionOk ?? null,
    tm.resolutionMs,
    tm.pausedMs,
    tm.reactionBreaches,
    tm.resolutionBreaches,
    tm.ratingAvg,
    tm.ratingCount,
    messages.in,
    messages.out,
    ticket.lastActivityAt,
    ticket.tags?.length ? hashtags(ticket.tags) : null,
    l[`prio_${priorityOf(ticket)}`],
  ];
}
