/**
 * Report figures: per-cycle and per-ticket metrics, and streaming aggregates per manager and
 * per topic.
 *
 * Definitions (from the reporting issue):
 * - A cycle runs from the ticket's creation or a reopening to the next close; it belongs to the
 *   report period in which it started.
 * - Reaction time: cycle start → first manager reply in that cycle. Resolution time: cycle
 *   start → its close. A ticket's resolution time is the sum over its closed cycles. Both are
 *   WORKING time of the settings' schedule, less the stretches the ticket waited for the
 *   customer or was on hold (the clocks of the live SLA checks, src/domain/sla.ts): the team's
 *   time. The stretches left out are counted apart (`pausedMs`), so that the customer's whole
 *   wait is resolution + waiting.
 * - "Within target" means `ms <= target`. A cycle still waiting (no reply yet, or not closed
 *   yet) is judged only once its elapsed working time is already past the target (then it is a
 *   breach); before that it is left out of the share, because its outcome is unknown.
 *
 * Attribution (README "Reports"): the reaction goes to the author of the cycle's first reply
 * (nobody while unassigned and unanswered); time held is split between holders; a resolution
 * (a close by a manager) goes to the closer; a breach to the holder when the target was crossed.
 * Closes by the client, auto-close or block are no resolutions and are judged neither way; a
 * cycle reopened by staff has no reaction clock. Without events, `ticket.managerId` is used.
 *
 * Aggregates hold numbers only (counters and duration arrays of a few bytes per cycle).
 *
 * It stays one file over 400 lines: the definitions above and the aggregates below are one set of
 * figures; an aggregate reads exactly the fields the definitions produce (the report's importers
 * take both from here).
 *
 * @module
 */
import { pausedFrom, type Priority, priorityOf, type Ticket, type TicketEvent } from "./ticket.ts";
import type { WorkingSchedule } from "./working_time.ts";
import { SettingsTimeline, type Targets } from "./settings_timeline.ts";

export type { Targets };

/** How a cycle's close came about; only a manager's close is a resolution. */
export type CloseKind = "manager" | "client" | "auto" | "block";

/** A stretch of a cycle during which one manager (or nobody) held the ticket. */
export interface Hold {
  managerId: number | null;
  from: number;
  /** End of the stretch; null = up to the cycle's close, or `now` for an open cycle. */
  to: number | null;
}

/** Who a cycle is credited to. */
export interface CycleAttribution {
  /** Whoever resolved it (a manager's close), else the holder at the close or now. */
  managerId: number | null;
  /** Manager who sent the cycle's first reply. */
  reactionManagerId: number | null;
  /** Who held the ticket over the cycle, in order. */
  holds: Hold[];
  /** How the cycle was closed; null while open. */
  closeKind: CloseKind | null;
  /** The cycle started with a reopening by staff: no reaction clock runs against them. */
  staffReopen: boolean;
  /** The ticket's priority at the cycle's close (now, while open): it picks the targets. */
  priority: Priority;
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
  /** How the cycle was closed; null while open. */
  closeKind: CloseKind | null;
  /** Working ms each holder held the ticket during the cycle (nobody = null). */
  held: Array<{ managerId: number | null; ms: number }>;
  /** Whoever held the ticket when the reaction target was crossed, for a reaction breach. */
  reactionBreachManagerId: number | null;
  /** Whoever held the ticket when the close target was crossed, for a resolution breach. */
  resolutionBreachManagerId: number | null;
  /** Targets in force when the cycle started, of the cycle's priority. */
  reactionTargetMs: number;
  closeTargetMs: number;
  /** The ticket's priority at the cycle's close (now, while open). */
  priority: Priority;
  /** Working ms start → first reply; null while unanswered (and after a staff reopen). */
  reactionMs: number | null;
  /** Working ms start → close; null while open. */
  resolutionMs: number | null;
  /** Working ms waited for a reply: `reactionMs`, or up to the close / `now` when unanswered. */
  reactionElapsedMs: number;
  /** The close clock: `resolutionMs`, or up to `now` when open (the pauses left out). */
  resolutionElapsedMs: number;
  /**
   * Working ms of the cycle spent waiting for the customer or on hold, up to its close (`now`
   * while open): what the close clock leaves out of the cycle's working time.
   */
  pausedMs: number;
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
  /** Working ms of all cycles spent waiting for the customer or on hold (open one: to now). */
  pausedMs: number;
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

function isStaff(role: string): boolean {
  return role === "manager" || role === "admin";
}

/** How a recorded close came about. */
export function closeKindOf(c: Ticket["cycles"][number]): CloseKind | null {
  if (c.closedAt === undefined) return null;
  if (c.closedHow === "block") return "block";
  const role = c.closedBy?.role;
  if (role === "system") return "auto";
  if (role === "client") return "client";
  return "manager";
}

/**
 * Credits each cycle of `ticket` by walking its events in order: taken / transferred / staff
 * replies / unassigned change the holder (a new {@link Hold}), a staff close by hand makes the
 * closer the cycle's resolver, a reopening starts the next cycle. Without events the ticket's
 * current manager holds every cycle throughout.
 */
export function attributeCycles(
  ticket: Ticket,
  events: readonly TicketEvent[],
): CycleAttribution[] {
  const out: CycleAttribution[] = ticket.cycles.map((c) => ({
    managerId: null,
    reactionManagerId: null,
    holds: [],
    closeKind: closeKindOf(c),
    staffReopen: c.reopenedBy !== undefined && isStaff(c.reopenedBy.role),
    priority: priorityOf(ticket),
  }));
  // the priority as the events set it (older records without the events: the ticket's)
  let priority: Priority = events.some((e) => e.type === "priority")
    ? "normal"
    : priorityOf(ticket);
  const fixed: boolean[] = ticket.cycles.map(() => false);
  let assignee: number | null = null;
  let cycle = 0;
  let closed = false;
  const hold = (at: number, managerId: number | null) => {
    const slot = out[cycle];
    if (!slot || closed) return;
    const last = slot.holds.at(-1);
    if (last && last.managerId === managerId) return;
    if (last) last.to = at;
    if (last && last.from === at) slot.holds.pop();
    slot.holds.push({ managerId, from: at, to: null });
  };
  const start = ticket.cycles[0]?.startedAt ?? ticket.createdAt;
  if (events.length > 0) hold(start, null);
  for (const e of events) {
    const slot = out[cycle];
    switch (e.type) {
      case "taken":
      case "transferred":
      case "assigned":
        assignee = e.managerId ?? assignee;
        hold(e.at, assignee);
        break;
      case "replied":
        if (!isStaffReply(e)) break;
        if (slot && slot.reactionManagerId === null) slot.reactionManagerId = e.actor.id;
        assignee = e.managerId ?? assignee ?? e.actor.id;
        hold(e.at, assignee);
        break;
      case "priority":
        priority = e.priority ?? priority;
        break;
      case "closed":
        if (slot) {
          slot.priority = priority;
          const byHand = slot.closeKind === "manager" && isStaff(e.actor.role);
          slot.managerId = byHand ? e.actor.id : assignee;
          fixed[cycle] = true;
          const last = slot.holds.at(-1);
          if (last) last.to = e.at;
        }
        closed = true;
        break;
      case "reopened":
        cycle++;
        closed = false;
        hold(e.at, assignee);
        break;
      case "unassigned":
        assignee = null;
        hold(e.at, null);
        break;
      default:
        break;
    }
  }
  // Open cycles (and any the events did not close) belong to whoever holds the ticket now.
  const current = events.length > 0 ? assignee : ticket.managerId;
  out.forEach((slot, i) => {
    if (!fixed[i]) {
      slot.managerId = current;
      slot.priority = priorityOf(ticket);
    }
    if (slot.holds.length === 0) {
      const c = ticket.cycles[i]!;
      slot.holds.push({ managerId: current, from: c.startedAt, to: c.closedAt ?? null });
    }
  });
  return out;
}

/** The holder at instant `at` (the last one at or after the end). */
function holderAt(holds: readonly Hold[], at: number): number | null {
  for (const h of holds) if (h.to === null || at < h.to) return h.managerId;
  return holds.at(-1)?.managerId ?? null;
}

/**
 * Figures of every cycle of `ticket`, measured in working time of `schedule`; open cycles are
 * measured up to `now`. `attribution` comes from {@link attributeCycles}. Given a
 * {@link SettingsTimeline}, each stretch of time is measured under the settings then in force
 * and each cycle judged against the targets in force when it started (`targets` is unused),
 * those of its priority when it has its own. Both clocks leave out the stretches spent
 * waiting for the customer or on hold (`Cycle.paused`, and the one going on), as the SLA
 * checks do (before the first reply that is a hold): a breach here is one the live checks
 * raised, charged to the holder when the paused clock crossed the target.
 */
export function cycleMetrics(
  ticket: Ticket,
  schedule: WorkingSchedule | SettingsTimeline,
  targets: Targets,
  now: number,
  attribution: readonly CycleAttribution[] = [],
): CycleMetrics[] {
  const last = ticket.cycles.length - 1;
  const fallback = attributeCycles(ticket, []);
  const tl = schedule instanceof SettingsTimeline
    ? schedule
    : SettingsTimeline.fixed(schedule, targets);
  return ticket.cycles.map((c, index) => {
    const who = attribution[index] ?? fallback[index]!;
    const inForce = tl.targetsAt(c.startedAt);
    const cycleTargets = (who.priority !== "normal" && inForce.priorityTargets?.[who.priority]) ||
      inForce;
    const end = c.closedAt ?? Math.max(c.startedAt, now);
    const pauses: Array<[number, number]> = [...(c.paused ?? [])];
    const open = index === last ? pausedFrom(ticket) : null;
    if (open !== null && c.closedAt === undefined) pauses.push([Math.max(open, c.startedAt), end]);
    pauses.sort((x, y) => x[0] - y[0]);
    /**
     * Working ms of [from, to) less the pauses in it (the SLA's subtraction, for the stretches
     * a ticket records, which never overlap). Only the stretches between the pauses are
     * walked: the pauses, a customer's days of silence, are the long ones.
     */
    const clock = (from: number, to: number) => {
      let ms = 0, at = from;
      for (const [a, b] of pauses) {
        if (a >= to) break;
        if (b <= at) continue;
        if (a > at) ms += tl.workingMs(at, a);
        at = b;
      }
      return at < to ? ms + tl.workingMs(at, to) : ms;
    };
    // the SLA's close clock: the team's time; the customer's silence is counted apart
    const resolutionElapsedMs = clock(c.startedAt, end);
    const pausedMs = Math.max(0, tl.workingMs(c.startedAt, end) - resolutionElapsedMs);
    // A reopening by staff themselves is their own follow-up: no client waits on a reply.
    const reactionMs = who.staffReopen || c.firstReplyAt === undefined
      ? null
      : clock(c.startedAt, c.firstReplyAt);
    const reactionElapsedMs = who.staffReopen ? 0 : reactionMs ?? clock(c.startedAt, end);
    const byManager = who.closeKind === "manager";
    // Only a manager's close is a resolution; closes by block, auto-close or the client are
    // counted apart and judged neither way.
    const resolutionMs = c.closedAt !== undefined && byManager ? resolutionElapsedMs : null;
    const reactionOk = who.staffReopen
      ? null
      : judge(reactionMs, reactionElapsedMs, cycleTargets.reactionTargetMs);
    const resolutionOk = c.closedAt !== undefined && !byManager
      ? null
      : judge(resolutionMs, resolutionElapsedMs, cycleTargets.closeTargetMs);
    const breachHolder = (ok: boolean | null, target: number) => {
      if (ok !== false) return null;
      return holderAt(who.holds, crossing(target) ?? end);
    };
    /**
     * The instant the clock reached `target`: each pause before it pushes it later (an instant
     * inside a pause moves to the pause's end; at most two steps per pause).
     */
    const crossing = (target: number): number | null => {
      let at = tl.addWorkingMs(c.startedAt, target);
      for (let i = 0; at !== null && i <= 2 * pauses.length + 1; i++) {
        const t = at;
        const inside = pauses.find(([a, b]) => a <= t && t < b);
        if (inside) {
          at = inside[1];
          continue;
        }
        const behind = target - clock(c.startedAt, at);
        if (behind <= 0) break;
        at = tl.addWorkingMs(at, behind);
      }
      return at;
    };
    const held = new Map<number | null, number>();
    for (const h of who.holds) {
      const to = Math.min(h.to ?? end, end);
      if (to <= h.from) continue;
      held.set(h.managerId, (held.get(h.managerId) ?? 0) + tl.workingMs(h.from, to));
    }
    const rating = ticket.ratings.find((r) => r.cycle === index);
    const reactionBreachManagerId = breachHolder(reactionOk, cycleTargets.reactionTargetMs);
    return {
      index,
      startedAt: c.startedAt,
      firstReplyAt: c.firstReplyAt ?? null,
      closedAt: c.closedAt ?? null,
      reopening: index > 0,
      reopenedLater: index < last,
      managerId: who.managerId,
      // Unanswered: whoever holds it (nobody while unassigned), or held it at the breach.
      reactionManagerId: who.reactionManagerId ??
        (reactionOk === false ? reactionBreachManagerId : holderAt(who.holds, end)),
      closeKind: who.closeKind,
      held: [...held].map(([managerId, ms]) => ({ managerId, ms })),
      reactionBreachManagerId,
      resolutionBreachManagerId: breachHolder(resolutionOk, cycleTargets.closeTargetMs),
      reactionTargetMs: cycleTargets.reactionTargetMs,
      closeTargetMs: cycleTargets.closeTargetMs,
      priority: who.priority,
      reactionMs,
      resolutionMs,
      reactionElapsedMs,
      resolutionElapsedMs,
      pausedMs,
      reactionOk,
      resolutionOk,
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
  let pausedMs = 0;
  let reactionBreaches = 0, resolutionBreaches = 0;
  for (const c of cycles) {
    if (c.resolutionMs !== null) resolutionMs = (resolutionMs ?? 0) + c.resolutionMs;
    pausedMs += c.pausedMs;
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
    pausedMs,
    reactionBreaches,
    resolutionBreaches,
    ratingAvg: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
    ratingCount: scores.length,
  };
}

// ---------------------------------------------------------------------------------------------
// Aggregates

/** Durations of a group, for means, medians and percentiles. */
export interface Durations {
  /** Number of values. */
  readonly size: number;
  /** Appends a value. */
  push(ms: number): void;
  /** Sum of the values (0 when empty). */
  sum(): number;
  /** The `i`-th smallest value (0-based); `i` must be below {@link size}. */
  kth(i: number): number;
  /** Mean, or null when empty. */
  mean(): number | null;
  /** The `q` quantile (nearest rank: the smallest value with at least q of all at or below it). */
  quantile(q: number): number | null;
  /** Median (mean of the two middle values for an even count), or null when empty. */
  median(): number | null;
}

/** Mean, quantile and median from a list's size, sum and ranks. */
abstract class RankedDurations implements Durations {
  abstract readonly size: number;
  abstract push(ms: number): void;
  abstract sum(): number;
  abstract kth(i: number): number;

  mean(): number | null {
    return this.size === 0 ? null : this.sum() / this.size;
  }

  quantile(q: number): number | null {
    const n = this.size;
    if (n === 0) return null;
    return this.kth(Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1)));
  }

  median(): number | null {
    const n = this.size;
    if (n === 0) return null;
    const mid = n >> 1;
    return n % 2 ? this.kth(mid) : (this.kth(mid - 1) + this.kth(mid)) / 2;
  }
}

/**
 * A growable list of durations, 8 bytes each, for medians. Ranks sort the list in place, once
 * until the next push: a sorted copy per median would be as large as the list, every time.
 */
export class DurationList extends RankedDurations {
  #data = new Float64Array(16);
  #size = 0;
  #sorted = true;

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
    this.#sorted = false;
  }

  sum(): number {
    let sum = 0;
    for (let i = 0; i < this.#size; i++) sum += this.#data[i]!;
    return sum;
  }

  /** The values in ascending order (a view of the list itself). */
  sorted(): Float64Array {
    const values = this.#data.subarray(0, this.#size);
    if (!this.#sorted) {
      values.sort();
      this.#sorted = true;
    }
    return values;
  }

  kth(i: number): number {
    return this.sorted()[i]!;
  }
}

/**
 * The durations of several lists taken together, without a copy of them: the overall figures
 * are those of the per-topic lists (every cycle is in exactly one topic). Values are pushed
 * into the parts, so {@link push} does nothing here.
 */
export class DurationUnion extends RankedDurations {
  constructor(readonly parts: () => Iterable<DurationList>) {
    super();
  }

  get size(): number {
    let n = 0;
    for (const p of this.parts()) n += p.size;
    return n;
  }

  /** Does nothing: the values are the parts' own. */
  push(_ms: number): void {}

  sum(): number {
    let sum = 0;
    for (const p of this.parts()) sum += p.sum();
    return sum;
  }

  /** Walks the sorted parts side by side (a merge) up to rank `i`. */
  kth(i: number): number {
    const lists = [...this.parts()].map((p) => p.sorted()).filter((l) => l.length > 0);
    const at = lists.map(() => 0);
    for (let rank = 0;; rank++) {
      let best = -1;
      for (let j = 0; j < lists.length; j++) {
        if (
          at[j]! < lists[j]!.length && (best < 0 || lists[j]![at[j]!]! < lists[best]![at[best]!]!)
        ) {
          best = j;
        }
      }
      if (best < 0) throw new RangeError(`rank ${i} of ${rank} durations`);
      if (rank === i) return lists[best]![at[best]!]!;
      at[best]!++;
    }
  }
}

/** Running figures of one group (a manager, a topic, or everything). */
export class GroupStats {
  /** Cycles the group held at some moment (for a manager: tickets worked on). */
  cycles = 0;
  /** Working ms the group held tickets. */
  heldMs = 0;
  /** Cycles resolved: closed by a manager by hand. */
  closed = 0;
  /** Of those, cycles whose close was later undone by a reopening. */
  reopened = 0;
  /** Cycles that started with a reopening. */
  reopenings = 0;
  /** Closes that are not resolutions, counted apart. */
  closedByClient = 0;
  autoClosed = 0;
  closedByBlock = 0;
  /** Breaches charged to the group (the holder when the target was crossed). */
  reactionBreaches = 0;
  resolutionBreaches = 0;
  readonly reaction: Durations;
  reactionWithin = 0;
  reactionJudged = 0;
  readonly resolution: Durations;
  /** Working ms the resolved cycles (those in {@link resolution}) waited for the customer. */
  resolvedPausedMs = 0;
  resolutionWithin = 0;
  resolutionJudged = 0;
  ratingSum = 0;
  ratingCount = 0;
  /** How many ratings gave 1, 2, 3, 4 and 5 stars (index = stars - 1). */
  readonly ratingScores = [0, 0, 0, 0, 0];
  /** Messages sent to clients (direction "out") within the period. */
  messagesOut = 0;

  /** A group keeps its own durations unless given others (the total, its topics' ones). */
  constructor(durations?: { reaction: Durations; resolution: Durations }) {
    this.reaction = durations?.reaction ?? new DurationList();
    this.resolution = durations?.resolution ?? new DurationList();
  }

  /** Counts every figure of the cycle (topics and the total). */
  addCycle(c: CycleMetrics): void {
    this.cycles++;
    for (const h of c.held) this.heldMs += h.ms;
    this.addOutcome(c);
    this.addOpenBreach(c);
    this.addReaction(c);
    this.addBreaches(c, true, true);
  }

  /** Counts how the cycle ended: resolution, close kind, reopenings, rating. */
  addOutcome(c: CycleMetrics): void {
    if (c.reopening) this.reopenings++;
    if (c.rating !== null) {
      this.ratingSum += c.rating;
      this.ratingCount++;
      const i = Math.min(5, Math.max(1, Math.round(c.rating))) - 1;
      this.ratingScores[i] = (this.ratingScores[i] ?? 0) + 1;
    }
    if (c.closeKind === "client") this.closedByClient++;
    else if (c.closeKind === "auto") this.autoClosed++;
    else if (c.closeKind === "block") this.closedByBlock++;
    if (c.closeKind !== "manager") return;
    this.closed++;
    if (c.reopenedLater) this.reopened++;
    if (c.resolutionMs !== null) {
      this.resolution.push(c.resolutionMs);
      this.resolvedPausedMs += c.pausedMs;
    }
    if (c.resolutionOk !== null) {
      this.resolutionJudged++;
      if (c.resolutionOk) this.resolutionWithin++;
    }
  }

  /** Counts an open cycle already past the close target against the share. */
  addOpenBreach(c: CycleMetrics): void {
    if (c.closedAt === null && c.resolutionOk === false) this.resolutionJudged++;
  }

  /** Counts the cycle's reaction. */
  addReaction(c: CycleMetrics): void {
    if (c.reactionMs !== null) this.reaction.push(c.reactionMs);
    if (c.reactionOk !== null) {
      this.reactionJudged++;
      if (c.reactionOk) this.reactionWithin++;
    }
  }

  /** Counts the cycle's breaches. */
  addBreaches(c: CycleMetrics, reaction: boolean, resolution: boolean): void {
    if (reaction && c.reactionOk === false) this.reactionBreaches++;
    if (resolution && c.resolutionOk === false) this.resolutionBreaches++;
  }

  /** Share of judged reactions within target, or null when none was judged. */
  reactionShare(): number | null {
    return this.reactionJudged ? this.reactionWithin / this.reactionJudged : null;
  }

  /**
   * Mean working time a resolved cycle waited for the customer or on hold (the same cycles as
   * the mean resolution: the two add up to the customer's mean wait), or null without any.
   */
  meanResolvedPausedMs(): number | null {
    const n = this.resolution.size;
    return n ? this.resolvedPausedMs / n : null;
  }

  /** Share of judged resolutions within target, or null when none was judged. */
  resolutionShare(): number | null {
    return this.resolutionJudged ? this.resolutionWithin / this.resolutionJudged : null;
  }

  /** Mean rating, or null without ratings. */
  ratingAvg(): number | null {
    return this.ratingCount ? this.ratingSum / this.ratingCount : null;
  }

  /** CSAT: the share of ratings with 4 or 5 stars, or null without ratings. */
  csat(): number | null {
    if (!this.ratingCount) return null;
    return ((this.ratingScores[3] ?? 0) + (this.ratingScores[4] ?? 0)) / this.ratingCount;
  }
}

/** Groups keyed by manager id (null = nobody) and by topic, plus the overall total. */
export class ReportAggregator {
  readonly byManager = new Map<number | null, GroupStats>();
  readonly byTopic = new Map<string, GroupStats>();
  /** Every cycle is in one topic: the total's durations are the topics' lists taken together. */
  readonly total = new GroupStats({
    reaction: new DurationUnion(() => this.#topicLists("reaction")),
    resolution: new DurationUnion(() => this.#topicLists("resolution")),
  });

  *#topicLists(kind: "reaction" | "resolution"): Iterable<DurationList> {
    for (const g of this.byTopic.values()) {
      const list = g[kind];
      if (list instanceof DurationList) yield list;
    }
  }

  #group<K>(map: Map<K, GroupStats>, key: K): GroupStats {
    let g = map.get(key);
    if (!g) map.set(key, g = new GroupStats());
    return g;
  }

  /**
   * Adds a cycle that started in the report period. Per manager: every holder counts the cycle
   * and their share of the time held; the resolver (or the holder at a close that is no
   * resolution) its outcome; the first replier its reaction; the holder at the crossing of a
   * target its breach.
   */
  addCycle(topic: string, c: CycleMetrics): void {
    for (const h of c.held) {
      // Time unassigned is nobody's work: no row of its own.
      if (h.managerId === null) continue;
      const g = this.#group(this.byManager, h.managerId);
      g.cycles++;
      g.heldMs += h.ms;
    }
    if (c.managerId !== null || c.closeKind !== null) {
      this.#group(this.byManager, c.managerId).addOutcome(c);
    }
    if (c.reactionOk !== null || c.reactionMs !== null) {
      this.#group(this.byManager, c.reactionManagerId).addReaction(c);
    }
    if (c.reactionOk === false) {
      this.#group(this.byManager, c.reactionBreachManagerId).addBreaches(c, true, false);
    }
    if (c.resolutionOk === false) {
      const g = this.#group(this.byManager, c.resolutionBreachManagerId);
      g.addBreaches(c, false, true);
      g.addOpenBreach(c);
    }
    this.#group(this.byTopic, topic).addCycle(c);
    this.total.addCycle(c);
  }

  /** Adds `count` messages sent within the period by `managerId` in a ticket of `topic`. */
  addMessagesOut(managerId: number, topic: string, count = 1): void {
    this.#group(this.byManager, managerId).messagesOut += count;
    this.#group(this.byTopic, topic).messagesOut += count;
    this.total.messagesOut += count;
  }
}
