/**
 * Report figures: per-cycle and per-ticket metrics, and streaming aggregates per manager and
 * per topic.
 *
 * Definitions (from the reporting issue):
 * - A cycle runs from the ticket's creation or a reopening to the next close; it belongs to the
 *   report period in which it started.
 * - Reaction time: cycle start → first manager reply in that cycle. Resolution time: cycle
 *   start → its close. A ticket's resolution time is the sum over its closed cycles. Both are
 *   WORKING time of the settings' schedule.
 * - "Within target" means `ms <= target`. A cycle still waiting (no reply yet, or not closed
 *   yet) is judged only once its elapsed working time is already past the target (then it is a
 *   breach); before that it is left out of the share, because its outcome is unknown.
 *
 * Attribution: each cycle belongs to the manager who held the ticket when the cycle closed
 * (or holds it now, for an open cycle), derived from the ticket's events; the reaction goes
 * to the manager who sent the cycle's first reply. Without events, `ticket.managerId` is used.
 *
 * Aggregates hold numbers only (counters and duration arrays of a few bytes per cycle).
 *
 * @module
 */
import type { Ticket, TicketEvent } from "./ticket.ts";
import { workingMs, type WorkingSchedule } from "./working_time.ts";

/** The targets the figures are judged against. */
export interface Targets {
  reactionTargetMs: number;
  closeTargetMs: number;
}

/** Who a cycle is credited to. */
export interface CycleAttribution {
  /** Manager holding the ticket at the cycle's close (or now, for an open cycle). */
  managerId: number | null;
  /** Manager who sent the cycle's first reply. */
  reactionManagerId: number | null;
}

/** Figures of one cycle. */
export interface CycleMetrics {
  /** Index of the cycle within the ticket (0 = from creation). */
  index: number;
  startedAt: number;
  firstReplyAt: number | null;
  closedAt: number | null;
  /** The cycle started with a reopening. */
  reopening: boolean;
  /** The cycle was closed and later reopened (its close did not hold). */
  reopenedLater: boolean;
  managerId: number | null;
  reactionManagerId: number | null;
  /** Working ms start → first reply; null while unanswered. */
  reactionMs: number | null;
  /** Working ms start → close; null while open. */
  resolutionMs: number | null;
  /** Working ms waited for a reply: `reactionMs`, or up to the close / `now` when unanswered. */
  reactionElapsedMs: number;
  /** Working ms the cycle has lasted: `resolutionMs`, or up to `now` when open. */
  resolutionElapsedMs: number;
  /** Reaction within target; false once an unanswered cycle passed it; null = not decided. */
  reactionOk: boolean | null;
  /** Resolution within target; false once an open cycle passed it; null = not decided. */
  resolutionOk: boolean | null;
  /** Score of the rating of this cycle's close, if rated. */
  rating: number | null;
  ratingComment: string | null;
  ratedAt: number | null;
}

/** Figures of one ticket over all its cycles. */
export interface TicketMetrics {
  number: number;
  cycles: CycleMetrics[];
  reopenCount: number;
  /** Reaction of the first cycle. */
  firstReactionMs: number | null;
  /** Sum of the resolution times of closed cycles; null when no cycle is closed. */
  resolutionMs: number | null;
  /** Cycles whose reaction / resolution breached the target. */
  reactionBreaches: number;
  resolutionBreaches: number;
  /** Mean score of the ticket's ratings; null when never rated. */
  ratingAvg: number | null;
  ratingCount: number;
}

function isStaffReply(e: TicketEvent): boolean {
  return e.type === "replied" && (e.actor.role === "manager" || e.actor.role === "admin");
}

/**
 * Credits each cycle of `ticket` to a manager by walking its events in order: taken /
 * transferred / staff replies move the assignee, a close fixes the cycle's manager, a reopening
 * starts the next cycle. Missing or inconsistent events fall back to `ticket.managerId`.
 */
export function attributeCycles(
  ticket: Ticket,
  events: readonly TicketEvent[],
): CycleAttribution[] {
  const out: CycleAttribution[] = ticket.cycles.map(() => ({
    managerId: null,
    reactionManagerId: null,
  }));
  const fixed: boolean[] = ticket.cycles.map(() => false);
  let assignee: number | null = null;
  let cycle = 0;
  for (const e of events) {
    const slot = out[cycle];
    switch (e.type) {
      case "taken":
      case "transferred":
        assignee = e.managerId ?? assignee;
        break;
      case "replied":
        if (!isStaffReply(e)) break;
        if (slot && slot.reactionManagerId === null) slot.reactionManagerId = e.actor.id;
        assignee = e.managerId ?? assignee ?? e.actor.id;
        break;
      case "closed":
        if (slot) {
          slot.managerId = assignee;
          fixed[cycle] = true;
        }
        break;
      case "reopened":
        cycle++;
        break;
      case "unassigned":
        assignee = null;
        break;
      default:
        break;
    }
  }
  // Open cycles (and any the events did not close) belong to whoever holds the ticket now.
  const current = assignee ?? ticket.managerId;
  out.forEach((slot, i) => {
    if (!fixed[i]) slot.managerId = current;
  });
  return out;
}

/**
 * Figures of every cycle of `ticket`, measured in working time of `schedule`; open cycles are
 * measured up to `now`. `attribution` comes from {@link attributeCycles}.
 */
export function cycleMetrics(
  ticket: Ticket,
  schedule: WorkingSchedule,
  targets: Targets,
  now: number,
  attribution: readonly CycleAttribution[] = [],
): CycleMetrics[] {
  const last = ticket.cycles.length - 1;
  return ticket.cycles.map((c, index) => {
    const end = c.closedAt ?? Math.max(c.startedAt, now);
    const resolutionElapsedMs = workingMs(schedule, c.startedAt, end);
    const reactionMs = c.firstReplyAt === undefined
      ? null
      : c.firstReplyAt === c.closedAt
      ? resolutionElapsedMs
      : workingMs(schedule, c.startedAt, c.firstReplyAt);
    const resolutionMs = c.closedAt === undefined ? null : resolutionElapsedMs;
    const reactionElapsedMs = reactionMs ?? resolutionElapsedMs;
    const rating = ticket.ratings.find((r) => r.cycle === index);
    const who = attribution[index];
    return {
      index,
      startedAt: c.startedAt,
      firstReplyAt: c.firstReplyAt ?? null,
      closedAt: c.closedAt ?? null,
      reopening: index > 0,
      reopenedLater: index < last,
      managerId: who ? who.managerId : ticket.managerId,
      reactionManagerId: who ? (who.reactionManagerId ?? who.managerId) : ticket.managerId,
      reactionMs,
      resolutionMs,
      reactionElapsedMs,
      resolutionElapsedMs,
      reactionOk: judge(reactionMs, reactionElapsedMs, targets.reactionTargetMs),
      resolutionOk: judge(resolutionMs, resolutionElapsedMs, targets.closeTargetMs),
      rating: rating?.score ?? null,
      ratingComment: rating?.comment ?? null,
      ratedAt: rating?.at ?? null,
    };
  });
}

/** Measured → compared; unmeasured → a breach once past the target, else undecided. */
function judge(measured: number | null, elapsed: number, target: number): boolean | null {
  if (measured !== null) return measured <= target;
  return elapsed > target ? false : null;
}

/** Sums the cycle figures of one ticket. */
export function ticketMetrics(ticket: Ticket, cycles: readonly CycleMetrics[]): TicketMetrics {
  let resolutionMs: number | null = null;
  let reactionBreaches = 0, resolutionBreaches = 0;
  for (const c of cycles) {
    if (c.resolutionMs !== null) resolutionMs = (resolutionMs ?? 0) + c.resolutionMs;
    if (c.reactionOk === false) reactionBreaches++;
    if (c.resolutionOk === false) resolutionBreaches++;
  }
  const scores = ticket.ratings.map((r) => r.score);
  return {
    number: ticket.number,
    cycles: cycles.slice(),
    reopenCount: Math.max(0, ticket.cycles.length - 1),
    firstReactionMs: cycles[0]?.reactionMs ?? null,
    resolutionMs,
    reactionBreaches,
    resolutionBreaches,
    ratingAvg: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
    ratingCount: scores.length,
  };
}

// ---------------------------------------------------------------------------------------------
// Aggregates

/** A growable list of durations, 8 bytes each, for medians. */
export class DurationList {
  #data = new Float64Array(16);
  #size = 0;

  /** Number of values. */
  get size(): number {
    return this.#size;
  }

  /** Appends a value. */
  push(ms: number): void {
    if (this.#size === this.#data.length) {
      const grown = new Float64Array(this.#data.length * 2);
      grown.set(this.#data);
      this.#data = grown;
    }
    this.#data[this.#size++] = ms;
  }

  /** Mean, or null when empty. */
  mean(): number | null {
    if (this.#size === 0) return null;
    let sum = 0;
    for (let i = 0; i < this.#size; i++) sum += this.#data[i]!;
    return sum / this.#size;
  }

  /** Median (mean of the two middle values for an even count), or null when empty. */
  median(): number | null {
    const n = this.#size;
    if (n === 0) return null;
    const sorted = this.#data.slice(0, n).sort();
    const mid = n >> 1;
    return n % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  }
}

/** Running figures of one group (a manager, a topic, or everything). */
export class GroupStats {
  /** Cycles credited to the group. */
  cycles = 0;
  /** Of those, cycles closed. */
  closed = 0;
  /** Of those, cycles whose close was later undone by a reopening. */
  reopened = 0;
  /** Cycles that started with a reopening. */
  reopenings = 0;
  readonly reaction = new DurationList();
  reactionWithin = 0;
  reactionJudged = 0;
  readonly resolution = new DurationList();
  resolutionWithin = 0;
  resolutionJudged = 0;
  ratingSum = 0;
  ratingCount = 0;
  /** Messages sent to clients (direction "out") within the period. */
  messagesOut = 0;

  /** Counts the cycle's own figures (everything except the reaction). */
  addCycle(c: CycleMetrics): void {
    this.cycles++;
    if (c.closedAt !== null) this.closed++;
    if (c.closedAt !== null && c.reopenedLater) this.reopened++;
    if (c.reopening) this.reopenings++;
    if (c.resolutionMs !== null) this.resolution.push(c.resolutionMs);
    if (c.resolutionOk !== null) {
      this.resolutionJudged++;
      if (c.resolutionOk) this.resolutionWithin++;
    }
    if (c.rating !== null) {
      this.ratingSum += c.rating;
      this.ratingCount++;
    }
  }

  /** Counts the cycle's reaction. */
  addReaction(c: CycleMetrics): void {
    if (c.reactionMs !== null) this.reaction.push(c.reactionMs);
    if (c.reactionOk !== null) {
      this.reactionJudged++;
      if (c.reactionOk) this.reactionWithin++;
    }
  }

  /** Share of judged reactions within target, or null when none was judged. */
  reactionShare(): number | null {
    return this.reactionJudged ? this.reactionWithin / this.reactionJudged : null;
  }

  /** Share of judged resolutions within target, or null when none was judged. */
  resolutionShare(): number | null {
    return this.resolutionJudged ? this.resolutionWithin / this.resolutionJudged : null;
  }

  /** Mean rating, or null without ratings. */
  ratingAvg(): number | null {
    return this.ratingCount ? this.ratingSum / this.ratingCount : null;
  }
}

/** Groups keyed by manager id (null = nobody) and by topic, plus the overall total. */
export class ReportAggregator {
  readonly byManager = new Map<number | null, GroupStats>();
  readonly byTopic = new Map<string, GroupStats>();
  readonly total = new GroupStats();

  #group<K>(map: Map<K, GroupStats>, key: K): GroupStats {
    let g = map.get(key);
    if (!g) map.set(key, g = new GroupStats());
    return g;
  }

  /** Adds a cycle that started in the report period. */
  addCycle(topic: string, c: CycleMetrics): void {
    this.#group(this.byManager, c.managerId).addCycle(c);
    this.#group(this.byManager, c.reactionManagerId).addReaction(c);
    const t = this.#group(this.byTopic, topic);
    t.addCycle(c);
    t.addReaction(c);
    this.total.addCycle(c);
    this.total.addReaction(c);
  }

  /** Adds `count` messages sent within the period by `managerId` in a ticket of `topic`. */
  addMessagesOut(managerId: number, topic: string, count = 1): void {
    this.#group(this.byManager, managerId).messagesOut += count;
    this.#group(this.byTopic, topic).messagesOut += count;
    this.total.messagesOut += count;
  }
}
