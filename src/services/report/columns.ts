/**
 * Column layouts of the report's sheets: the detail sheets (tickets, SLA breaches, ratings) and
 * the summaries per manager and per topic, with the summary row of a group.
 *
 * @module
 */
import type { GroupStats } from "../../domain/metrics.ts";
import type { Settings } from "../../domain/settings.ts";
import type { Labels } from "./labels.ts";
import type { Column } from "./sheets.ts";
import type { SpillRow } from "./spill.ts";

/** A count column (breaches) that stands out where its row's count at `i` is above zero. */
function breachCount(header: string, i: number): Column {
  return { header, kind: "int", highlight: (r) => Number(r[i]) > 0 };
}

/**
 * Column layout of the detail sheets; indexes into rows are named to keep them in step.
 * Scores at or under `lowRating` (the admins' one threshold) stand out.
 */
export function detailColumns(l: Labels, lowRating: number) {
  // Tickets
  const T = {
    number: 0,
    link: 1,
    topic: 2,
    status: 3,
    client: 4,
    username: 5,
    clientId: 6,
    manager: 7,
    created: 8,
    firstReply: 9,
    closedAt: 10,
    cycles: 11,
    cyclesInPeriod: 12,
    reopened: 13,
    firstReaction: 14,
    firstReactionOk: 15,
    resolution: 16,
    waiting: 17,
    reactionBreaches: 18,
    resolutionBreaches: 19,
    ratingAvg: 20,
    ratingCount: 21,
    messagesIn: 22,
    messagesOut: 23,
    lastActivity: 24,
    tags: 25,
    priority: 26,
  } as const;
  const tickets: Column[] = [
    { header: l.ticket, kind: "int" },
    { header: l.thread, kind: "link" },
    { header: l.topic, kind: "text" },
    { header: l.status, kind: "text" },
    { header: l.client, kind: "text" },
    { header: l.username, kind: "text" },
    { header: l.clientId, kind: "int" },
    { header: l.manager, kind: "text" },
    { header: l.created, kind: "date" },
    { header: l.firstReply, kind: "date" },
    { header: l.closedAt, kind: "date" },
    { header: l.cyclesAll, kind: "int" },
    { header: l.cyclesInPeriod, kind: "int" },
    { header: l.reopenCount, kind: "int" },
    { header: l.firstReaction, kind: "duration", highlight: (r) => r[T.firstReactionOk] === false },
    { header: l.firstReactionOk, kind: "bool", highlight: (r) => r[T.firstReactionOk] === false },
    {
      header: l.resolutionTotal,
      kind: "duration",
      highlight: (r) => Number(r[T.resolutionBreaches]) > 0,
    },
    // the customer's silence, left out of the resolution as the SLA leaves it out
    { header: l.waitingTotal, kind: "duration" },
    breachCount(l.reactionBreaches, T.reactionBreaches),
    breachCount(l.resolutionBreaches, T.resolutionBreaches),
    { header: l.ratingAvg, kind: "decimal" },
    { header: l.ratingCount, kind: "int" },
    { header: l.messagesIn, kind: "int" },
    { header: l.messagesToClient, kind: "int" },
    { header: l.lastActivity, kind: "date" },
    { header: l.tags, kind: "text" },
    { header: l.priority, kind: "text" },
  ];
  // SLA breaches
  const B = { client: 11 } as const;
  const breaches: Column[] = [
    { header: l.ticket, kind: "int" },
    { header: l.thread, kind: "link" },
    { header: l.cycle, kind: "int" },
    { header: l.kind, kind: "text" },
    { header: l.startedAt, kind: "date" },
    { header: l.endedAt, kind: "date" },
    { header: l.workingTime, kind: "duration", highlight: () => true },
    { header: l.target, kind: "duration" },
    { header: l.overBy, kind: "duration", highlight: () => true },
    { header: l.manager, kind: "text" },
    { header: l.topic, kind: "text" },
    { header: l.client, kind: "text" },
  ];
  // Ratings
  const R = { client: 9 } as const;
  const ratings: Column[] = [
    { header: l.ticket, kind: "int" },
    { header: l.thread, kind: "link" },
    { header: l.cycle, kind: "int" },
    { header: l.score, kind: "int", highlight: (r) => Number(r[3]) <= lowRating },
    { header: l.comment, kind: "text" },
    { header: l.ratedAt, kind: "date" },
    { header: l.closedAt, kind: "date" },
    { header: l.manager, kind: "text" },
    { header: l.topic, kind: "text" },
    { header: l.client, kind: "text" },
  ];
  return { T, tickets, B, breaches, R, ratings };
}

/** Indexes into a summary row that the highlights read. */
const SUMMARY = {
  medianReaction: 6,
  medianResolution: 10,
  reactionBreaches: 15,
  resolutionBreaches: 16,
} as const;

/** Columns of a summary sheet whose first column (a manager, a topic) is headed `first`. */
export function summaryColumns(l: Labels, first: string, targets: Settings): Column[] {
  const S = SUMMARY;
  return [
    { header: first, kind: "text" },
    { header: l.cycles, kind: "int" },
    { header: l.heldTime, kind: "duration" },
    { header: l.closed, kind: "int" },
    { header: l.reopenedLater, kind: "int" },
    { header: l.reopenings, kind: "int" },
    {
      header: l.medianReaction,
      kind: "duration",
      highlight: (r) => {
        const v = r[S.medianReaction];
        return typeof v === "number" && v > targets.reactionTargetMs;
      },
    },
    { header: l.meanReaction, kind: "duration" },
    { header: l.p90Reaction, kind: "duration" },
    { header: l.reactionShare, kind: "share" },
    {
      header: l.medianResolution,
      kind: "duration",
      highlight: (r) => {
        const v = r[S.medianResolution];
        return typeof v === "number" && v > targets.closeTargetMs;
      },
    },
    { header: l.meanResolution, kind: "duration" },
    { header: l.p90Resolution, kind: "duration" },
    { header: l.meanWaiting, kind: "duration" },
    { header: l.resolutionShare, kind: "share" },
    breachCount(l.reactionBreaches, S.reactionBreaches),
    breachCount(l.resolutionBreaches, S.resolutionBreaches),
    { header: l.closedByClient, kind: "int" },
    { header: l.autoClosed, kind: "int" },
    { header: l.closedByBlock, kind: "int" },
    { header: l.ratingAvg, kind: "decimal" },
    { header: l.ratingCount, kind: "int" },
    { header: l.messagesOut, kind: "int" },
    { header: l.csat, kind: "share" },
    ...[5, 4, 3, 2, 1].map((n): Column => ({
      header: l.stars.replace("{n}", String(n)),
      kind: "int",
    })),
  ];
}

/** A group's row of a summary sheet. */
export function summaryRow(name: string, g: GroupStats): SpillRow {
  return [
    name,
    g.cycles,
    g.heldMs,
    g.closed,
    g.reopened,
    g.reopenings,
    g.reaction.median(),
    g.reaction.mean(),
    g.reaction.quantile(0.9),
    g.reactionShare(),
    g.resolution.median(),
    g.resolution.mean(),
    g.resolution.quantile(0.9),
    g.meanResolvedPausedMs(),
    g.resolutionShare(),
    g.reactionBreaches,
    g.resolutionBreaches,
    g.closedByClient,
    g.autoClosed,
    g.closedByBlock,
    g.ratingAvg(),
    g.ratingCount,
    g.messagesOut,
    g.csat(),
    ...[4, 3, 2, 1, 0].map((i) => g.ratingScores[i] ?? 0),
  ];
}
