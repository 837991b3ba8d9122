import assert from "node:assert/strict";
import {
  attributeCycles,
  cycleMetrics,
  DurationList,
  DurationUnion,
  ReportAggregator,
  ticketMetrics,
} from "./metrics.ts";
import {
  clientWrote,
  close,
  managerReplied,
  newTicket,
  putOnHold,
  rate,
  releaseHold,
  reopen,
  setPriority,
  take,
  type Ticket,
  type TicketEvent,
  transfer,
  type Transition,
} from "./ticket.ts";
import type { WorkingSchedule } from "./working_time.ts";
import { defaultSettings, type Settings } from "./settings.ts";
import { dueThresholds, scheduleOf, slaElapsedMs } from "./sla.ts";

const MIN = 60_000;
const H = 3_600_000;
const at = (iso: string) => Date.parse(`${iso}:00Z`);
const nineToSix: WorkingSchedule = {
  timeZone: "UTC",
  always: false,
  week: {
    1: [[540, 1080]],
    2: [[540, 1080]],
    3: [[540, 1080]],
    4: [[540, 1080]],
    5: [[540, 1080]],
    6: [],
    7: [],
  },
  holidays: [],
};
const targets = { reactionTargetMs: 15 * MIN, closeTargetMs: 8 * H };
const anna = { role: "manager" as const, id: 501 };
const boris = { role: "manager" as const, id: 502 };
const client = { role: "client" as const, id: 42 };

/** Applies transitions in order, collecting the events. */
function story(start: number, steps: Array<(t: Ticket) => Transition>) {
  const made = newTicket({ number: 1, topic: "Billing", clientId: 42, createdAt: start });
  let ticket = made.ticket;
  const events: TicketEvent[] = [made.event];
  for (const step of steps) {
    const r = step(ticket);
    if (!r.ok) throw new Error(r.reason);
    ticket = r.ticket;
    events.push(r.event);
  }
  return { ticket, events };
}

// Friday 17:00 → reply Monday 09:30 across a weekend; closed, rated, reopened by the client,
// transferred to Boris who answers and closes.
const reopened = story(at("2026-01-09T17:00"), [
  (t) => take(t, anna, at("2026-01-09T17:05")),
  (t) => managerReplied(t, anna, at("2026-01-12T09:30")),
  (t) => close(t, anna, at("2026-01-12T11:00")),
  (t) => rate(t, client, 5, "Thanks!", at("2026-01-12T11:05")),
  (t) => reopen(t, client, at("2026-01-12T12:00")),
  (t) => transfer(t, anna, 502, at("2026-01-12T12:05")),
  (t) => managerReplied(t, boris, at("2026-01-12T12:10")),
  (t) => close(t, boris, at("2026-01-12T13:00")),
]);

Deno.test("metrics: cycles credited from events, working time across a weekend", () => {
  const { ticket, events } = reopened;
  const who = attributeCycles(ticket, events);
  assert.deepEqual(who.map((w) => [w.managerId, w.reactionManagerId, w.closeKind]), [
    [501, 501, "manager"],
    [502, 502, "manager"],
  ]);
  // Held: nobody 17:00–17:05, Anna to the close; after the reopening Anna 5 min, then Boris.
  assert.deepEqual(who[1]!.holds, [
    { managerId: 501, from: at("2026-01-12T12:00"), to: at("2026-01-12T12:05") },
    { managerId: 502, from: at("2026-01-12T12:05"), to: at("2026-01-12T13:00") },
  ]);
  const [c0, c1] = cycleMetrics(ticket, nineToSix, targets, at("2026-01-20T00:00"), who);
  // Friday 17–18 plus Monday 9:00–9:30; the wall clock says 64.5 hours.
  assert.equal(c0!.reactionMs, 90 * MIN);
  assert.equal(c0!.reactionOk, false);
  // to the close at 11:00, less the 1:30 the customer had the answer (the SLA's close clock)
  assert.equal(c0!.resolutionMs, 90 * MIN);
  assert.equal(c0!.pausedMs, 90 * MIN);
  assert.equal(c0!.resolutionOk, true);
  assert.equal(c0!.reopenedLater, true);
  assert.equal(c0!.reopening, false);
  assert.equal(c0!.rating, 5);
  assert.equal(c0!.ratingComment, "Thanks!");
  assert.equal(c1!.reactionMs, 10 * MIN);
  assert.equal(c1!.reactionOk, true);
  // 12:00–12:10, then the customer's move until the close at 13:00
  assert.equal(c1!.resolutionMs, 10 * MIN);
  assert.equal(c1!.pausedMs, 50 * MIN);
  assert.equal(c1!.reopening, true);
  assert.equal(c1!.rating, null);
  const tm = ticketMetrics(ticket, [c0!, c1!]);
  assert.equal(tm.resolutionMs, 100 * MIN);
  assert.equal(tm.pausedMs, 140 * MIN);
  assert.equal(tm.firstReactionMs, 90 * MIN);
  assert.equal(tm.reopenCount, 1);
  assert.equal(tm.reactionBreaches, 1);
  assert.equal(tm.resolutionBreaches, 0);
  assert.equal(tm.ratingAvg, 5);
});

Deno.test("metrics: without events, the ticket's manager gets every cycle", () => {
  const who = attributeCycles(reopened.ticket, []);
  assert.deepEqual(who.map((w) => w.managerId), [502, 502]);
  const cycles = cycleMetrics(reopened.ticket, nineToSix, targets, 0);
  assert.deepEqual(cycles.map((c) => c.managerId), [502, 502]);
});

Deno.test("metrics: an unanswered cycle is undecided until it passes the target", () => {
  const { ticket, events } = story(at("2026-01-12T09:00"), [
    (t) => take(t, anna, at("2026-01-12T09:01")),
  ]);
  const who = attributeCycles(ticket, events);
  assert.deepEqual(who.map((w) => [w.managerId, w.reactionManagerId]), [[501, null]]);
  const early = cycleMetrics(ticket, nineToSix, targets, at("2026-01-12T09:10"), who)[0]!;
  assert.equal(early.reactionMs, null);
  assert.equal(early.reactionElapsedMs, 10 * MIN);
  assert.equal(early.reactionOk, null);
  assert.equal(early.resolutionOk, null);
  assert.equal(early.reactionManagerId, 501);
  const late = cycleMetrics(ticket, nineToSix, targets, at("2026-01-12T09:20"), who)[0]!;
  assert.equal(late.reactionOk, false);
  assert.equal(late.resolutionMs, null);
  // A whole working day plus an hour: the close target is breached too.
  const later = cycleMetrics(ticket, nineToSix, targets, at("2026-01-13T10:00"), who)[0]!;
  assert.equal(later.resolutionElapsedMs, 10 * H);
  assert.equal(later.resolutionOk, false);
});

Deno.test("metrics: a target met exactly is within it", () => {
  // the customer answers at once: the close clock never pauses
  const { ticket } = story(at("2026-01-12T09:00"), [
    (t) => managerReplied(t, anna, at("2026-01-12T09:15")),
    (t) => clientWrote(t, 42, at("2026-01-12T09:15")),
    (t) => close(t, anna, at("2026-01-12T17:00")),
  ]);
  const c = cycleMetrics(ticket, nineToSix, targets, 0)[0]!;
  assert.equal(c.reactionOk, true);
  assert.equal(c.resolutionMs, 8 * H);
  assert.equal(c.resolutionOk, true);
});

Deno.test("metrics: duration list mean and median", () => {
  const list = new DurationList();
  assert.equal(list.median(), null);
  assert.equal(list.mean(), null);
  for (const v of [30, 10, 20]) list.push(v);
  assert.equal(list.median(), 20);
  for (let i = 0; i < 40; i++) list.push(1000 + i);
  assert.equal(list.size, 43);
  // 43 values: 10, 20, 30, 1000..1039 → the 22nd smallest is 1018.
  assert.equal(list.median(), 1018);
  const even = new DurationList();
  for (const v of [4, 1, 3, 2]) even.push(v);
  assert.equal(even.median(), 2.5);
  assert.equal(even.mean(), 2.5);
});

Deno.test("metrics: a duration list ranked, then pushed to, ranks its new values too", () => {
  const list = new DurationList();
  for (const v of [5, 1, 3]) list.push(v);
  assert.equal(list.median(), 3);
  list.push(0);
  list.push(-1);
  assert.equal(list.median(), 1);
  assert.equal(list.quantile(0.9), 5);
  assert.equal(list.mean(), 8 / 5);
});

Deno.test("metrics: a union of duration lists ranks as one list of all their values", () => {
  const parts = [[7, 1, 4], [], [2, 9], [3, 3, 8, 0]].map((vs) => {
    const l = new DurationList();
    vs.forEach((v) => l.push(v));
    return l;
  });
  const union = new DurationUnion(() => parts);
  const all = new DurationList();
  for (const v of [7, 1, 4, 2, 9, 3, 3, 8, 0]) all.push(v);
  union.push(100); // the parts hold the values: nothing is added
  assert.equal(union.size, 9);
  assert.equal(union.median(), 3);
  assert.equal(union.median(), all.median());
  for (const q of [0, 0.1, 0.5, 0.9, 1]) assert.equal(union.quantile(q), all.quantile(q));
  assert.equal(union.mean(), all.mean());
  parts[1]!.push(10);
  assert.equal(union.median(), 3.5, "an even count: the mean of the two middle values");
  assert.equal(new DurationUnion(() => []).median(), null);
});

Deno.test("metrics: aggregates per manager and topic", () => {
  const agg = new ReportAggregator();
  const now = at("2026-01-20T00:00");
  const { ticket, events } = reopened;
  for (const c of cycleMetrics(ticket, nineToSix, targets, now, attributeCycles(ticket, events))) {
    agg.addCycle(ticket.topic, c);
  }
  const other = story(at("2026-01-13T10:00"), [
    (t) => managerReplied(t, boris, at("2026-01-13T10:05")),
    (t) => close(t, boris, at("2026-01-14T15:00")),
    (t) => rate(t, client, 2, undefined, at("2026-01-14T15:10")),
  ]);
  for (
    const c of cycleMetrics(
      other.ticket,
      nineToSix,
      targets,
      now,
      attributeCycles(other.ticket, other.events),
    )
  ) {
    agg.addCycle("Delivery", c);
  }
  agg.addMessagesOut(501, "Billing");
  agg.addMessagesOut(502, "Billing");
  agg.addMessagesOut(502, "Delivery", 2);

  const a = agg.byManager.get(501)!;
  assert.deepEqual(
    [a.cycles, a.closed, a.reopened, a.reopenings, a.messagesOut],
    // Anna held both cycles of the first ticket (the second for 5 minutes before the transfer).
    [2, 1, 1, 0, 1],
  );
  // Friday 17:05–18:00 + Monday 9:00–11:00, then 12:00–12:05.
  assert.equal(a.heldMs, 3 * H);
  assert.equal(a.reaction.median(), 90 * MIN);
  assert.equal(a.reactionShare(), 0);
  assert.equal(a.resolutionShare(), 1);
  assert.equal(a.ratingAvg(), 5);

  const b = agg.byManager.get(502)!;
  assert.deepEqual([b.cycles, b.closed, b.reopened, b.reopenings, b.messagesOut], [2, 2, 0, 1, 3]);
  // 12:05–13:00, and Tuesday 10:05 to Wednesday 15:00 (7:55 + 6:00).
  assert.equal(b.heldMs, 55 * MIN + 13 * H + 55 * MIN);
  assert.equal(b.reaction.median(), 7.5 * MIN);
  assert.equal(b.reactionShare(), 1);
  // 0:10 and 0:05: after 10:05 the second ticket waited for the customer to its close (Tuesday
  // 10:05–18:00 plus Wednesday 9–15 = 13:55 of waiting, 0:50 in the first): no breach
  assert.equal(b.resolution.median(), 7.5 * MIN);
  assert.equal(b.resolution.mean(), 7.5 * MIN);
  assert.equal(b.meanResolvedPausedMs(), (50 * MIN + 13 * H + 55 * MIN) / 2);
  assert.equal(b.resolutionShare(), 1);
  assert.equal(b.resolutionBreaches, 0);
  assert.equal(b.ratingAvg(), 2);

  assert.equal(agg.byTopic.get("Billing")!.cycles, 2);
  assert.equal(agg.byTopic.get("Billing")!.messagesOut, 2);
  assert.equal(agg.byTopic.get("Delivery")!.cycles, 1);
  const t = agg.total;
  assert.equal(t.cycles, 3);
  assert.equal(t.reaction.median(), 10 * MIN);
  assert.equal(t.reaction.mean(), 35 * MIN);
  // 1:30, 0:10 and 0:05; waiting 1:30, 0:50 and 13:55
  assert.equal(t.resolution.median(), 10 * MIN);
  assert.equal(t.resolution.mean(), 35 * MIN);
  assert.equal(t.meanResolvedPausedMs(), (16 * H + 15 * MIN) / 3);
  assert.equal(t.resolutionShare(), 1);
  assert.equal(t.ratingAvg(), 3.5);
  assert.equal(t.messagesOut, 4);
});

Deno.test("metrics: a hold before the reply is no reaction time; priority picks the targets", () => {
  const monday = (hm: string) => at(`2026-01-12T${hm}`);
  const withPriority = {
    ...targets,
    priorityTargets: { urgent: { reactionTargetMs: 5 * MIN, closeTargetMs: H } },
  };
  // 09:00 created, taken by Anna; on hold 09:02–10:00 (Anna), Boris takes it over at 10:01
  // and answers 10:10: 2 + 10 minutes of reaction, the hour on hold left out
  const held = story(monday("09:00"), [
    (t) => take(t, anna, monday("09:00")),
    (t) => putOnHold(t, anna, "waiting for the bank", monday("09:02")),
    (t) => releaseHold(t, anna, monday("10:00")),
    (t) => transfer(t, anna, 502, monday("10:01")),
    (t) => managerReplied(t, boris, monday("10:10")),
  ]);
  const [c] = cycleMetrics(
    held.ticket,
    nineToSix,
    withPriority,
    monday("12:00"),
    attributeCycles(held.ticket, held.events),
  );
  assert.ok(c, "a cycle");
  assert.equal(c.reactionMs, 12 * MIN);
  assert.equal(c.reactionOk, true);
  assert.equal(c.priority, "normal");
  assert.equal(c.reactionTargetMs, 15 * MIN);

  // the same as urgent: over its 5 minutes; crossed at 10:03 (09:00 + 5 minutes of clock, the
  // hold pushing it past 10:00), when Boris held it: the breach is his, not Anna's
  const urgent = story(monday("09:00"), [
    (t) => take(t, anna, monday("09:00")),
    (t) => setPriority(t, anna, "urgent", monday("09:01")),
    (t) => putOnHold(t, anna, "waiting for the bank", monday("09:02")),
    (t) => releaseHold(t, anna, monday("10:00")),
    (t) => transfer(t, anna, 502, monday("10:01")),
    (t) => managerReplied(t, boris, monday("10:10")),
  ]);
  const [u] = cycleMetrics(
    urgent.ticket,
    nineToSix,
    withPriority,
    monday("12:00"),
    attributeCycles(urgent.ticket, urgent.events),
  );
  assert.ok(u, "a cycle");
  assert.equal(u.priority, "urgent");
  assert.equal(u.reactionTargetMs, 5 * MIN);
  assert.equal(u.reactionMs, 12 * MIN);
  assert.equal(u.reactionOk, false);
  assert.equal(u.reactionBreachManagerId, boris.id);
  // the close clock leaves out the hold (09:02–10:00) and the customer's move since the reply
  // (10:10–12:00), as the SLA does: 2 + 10 minutes; the 2:48 left out are the waiting time
  assert.equal(u.resolutionElapsedMs, 12 * MIN);
  assert.equal(u.pausedMs, 2 * H + 48 * MIN);
  assert.equal(u.resolutionOk, null);
});

/**
 * Plays `steps` (each at its instant) from a ticket created at `start`, up to and including
 * `upTo`: the ticket and its events as they were then.
 */
function playedTo(
  start: number,
  steps: ReadonlyArray<[number, (t: Ticket, at: number) => Transition]>,
  upTo: number,
) {
  return story(start, steps.filter(([at]) => at <= upTo).map(([at, fn]) => (t) => fn(t, at)));
}

/**
 * Samples the history every minute (at :30, so that no sample falls on a threshold exactly)
 * while the ticket is open, and checks that the report measured at that instant judges the
 * close target as the live SLA check does; returns the first instant the SLA saw a breach and
 * who held the ticket then.
 */
function compareWithSla(
  start: number,
  steps: ReadonlyArray<[number, (t: Ticket, at: number) => Transition]>,
  s: Settings,
) {
  const end = steps.at(-1)![0];
  let first: { at: number; holder: number | null } | null = null;
  for (let now = start + 30_000; now < end; now += MIN) {
    const { ticket, events } = playedTo(start, steps, now);
    if (ticket.status === "closed") continue;
    const live = dueThresholds(ticket, s, now).includes("close_breach");
    const c = cycleMetrics(ticket, scheduleOf(s), s, now, attributeCycles(ticket, events)).at(-1)!;
    assert.equal(c.resolutionOk === false, live, `report and SLA disagree at ${iso(now)}`);
    // the same clock, not only the same verdict
    assert.equal(c.resolutionElapsedMs, slaElapsedMs(ticket, s, now), iso(now));
    if (live && first === null) first = { at: now, holder: ticket.managerId };
  }
  return first;
}

const iso = (ms: number) => new Date(ms).toISOString();

Deno.test("metrics: a resolution breach is one the live SLA raised, charged to the holder then", () => {
  const s: Settings = {
    ...defaultSettings(),
    timeZone: "UTC",
    week: nineToSix.week,
    closeTargetMs: 2 * H,
  };
  const monday = (hm: string) => at(`2026-01-12T${hm}`);
  // 09:00 created, Anna takes it and answers 09:10; the customer writes back at 10:10; on hold
  // by hand 10:20–11:00; Boris takes it over at 11:05, answers 12:50 and closes 13:00. The
  // close clock: 0:10 + 0:10 + from 11:00, so the 2:00 are reached at 12:40, when Boris held
  // it; on the whole working time they were at 11:00, Anna's (on hold).
  const steps: Array<[number, (t: Ticket, at: number) => Transition]> = [
    [monday("09:05"), (t, at) => take(t, anna, at)],
    [monday("09:10"), (t, at) => managerReplied(t, anna, at)],
    [monday("10:10"), (t, at) => clientWrote(t, 42, at)],
    [monday("10:20"), (t, at) => putOnHold(t, anna, "asking the bank", at)],
    [monday("11:00"), (t, at) => releaseHold(t, anna, at)],
    [monday("11:05"), (t, at) => transfer(t, anna, boris.id, at)],
    [monday("12:50"), (t, at) => managerReplied(t, boris, at)],
    [monday("13:00"), (t, at) => close(t, boris, at)],
  ];
  const first = compareWithSla(monday("09:00"), steps, s);
  assert.deepEqual(first, { at: monday("12:40") + 30_000, holder: boris.id });
  const done = playedTo(monday("09:00"), steps, monday("13:00"));
  const [c] = cycleMetrics(
    done.ticket,
    scheduleOf(s),
    s,
    monday("18:00"),
    attributeCycles(done.ticket, done.events),
  );
  assert.ok(c, "a cycle");
  // 0:10 + 0:10 + 11:00–12:50; left out 09:10–10:10, 10:20–11:00 and 12:50–13:00
  assert.equal(c.resolutionMs, 2 * H + 10 * MIN);
  assert.equal(c.pausedMs, H + 50 * MIN);
  assert.equal(c.resolutionOk, false);
  assert.equal(c.resolutionBreachManagerId, boris.id);

  // answered at 09:10, the customer silent until Tuesday 10:00, answered 10:30, closed 10:40:
  // 10:40 of working time, 0:40 of the team's; the SLA never raised a breach, nor the report
  const tuesday = (hm: string) => at(`2026-01-13T${hm}`);
  const quiet: Array<[number, (t: Ticket, at: number) => Transition]> = [
    [monday("09:10"), (t, at) => managerReplied(t, anna, at)],
    [tuesday("10:00"), (t, at) => clientWrote(t, 42, at)],
    [tuesday("10:30"), (t, at) => managerReplied(t, anna, at)],
    [tuesday("10:40"), (t, at) => close(t, anna, at)],
  ];
  assert.equal(compareWithSla(monday("09:00"), quiet, s), null);
  const q = playedTo(monday("09:00"), quiet, tuesday("10:40"));
  const [qc] = cycleMetrics(q.ticket, scheduleOf(s), s, tuesday("18:00"));
  assert.ok(qc, "a cycle");
  assert.equal(qc.resolutionMs, 40 * MIN);
  assert.equal(qc.pausedMs, 10 * H);
  assert.equal(qc.resolutionOk, true);
});
