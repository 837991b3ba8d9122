/**
 * Ticket rules: states, who may change them, assignment and ratings.
 *
 * Pure functions only: each transition takes a ticket, an actor and the time, and
 * returns either the changed ticket with the event that records the change, or a
 * reason code that the bots turn into the user's language.
 *
 * It stays one file over 400 lines: it is the one state machine of a ticket; every transition runs
 * the same who-may checks (`isStaff`, `mayChange`) and the private cycle bookkeeping
 * (`withCycle`, `resumed`), which no other module may use to change a ticket around them.
 *
 * @module
 */

/** How soon a ticket needs the team: shown on the post, sorted first, with its own targets. */
export type Priority = "normal" | "high" | "urgent";

/** Every priority, most urgent first. */
export const PRIORITIES: readonly Priority[] = ["urgent", "high", "normal"];

/** Where a ticket is in its life. */
export type TicketStatus = "open" | "in_progress" | "closed";

/** Who acts on a ticket. `system` is the service itself (auto-close, block). */
export type ActorRole = "client" | "manager" | "admin" | "system";

/** The person (or the service) behind a change. `id` is a Telegram user id, 0 for system. */
export interface Actor {
  role: ActorRole;
  id: number;
}

/** One cycle of a ticket: from creation or a reopening to the next close. */
export interface Cycle {
  startedAt: number;
  /** First manager reply within this cycle. */
  firstReplyAt?: number;
  closedAt?: number;
  closedBy?: Actor;
  /**
   * Set when the close came from blocking the client (reports keep such closes apart), or from
   * merging the ticket into another of the same client.
   */
  closedHow?: "block" | "merge";
  /** Who started this cycle by reopening (absent for the first cycle). */
  reopenedBy?: Actor;
  /**
   * Ended stretches [from, to) of this cycle spent waiting for the customer or on hold: the
   * SLA clocks do not run in them. At most {@link MAX_PAUSES}, the oldest dropped (then counted
   * as the team's time: warnings come earlier, never later).
   */
  paused?: Array<[number, number]>;
}

/** Most pause stretches kept per cycle (a ticket record must stay well under 64 KiB). */
export const MAX_PAUSES = 100;

/** A rating given after a close; one per close, kept as a list. */
export interface Rating {
  score: number;
  comment?: string;
  at: number;
  /** Index of the cycle whose close is rated. */
  cycle: number;
}

/** The ticket record. */
export interface Ticket {
  /** Sequential number, also the ticket's id. */
  number: number;
  status: TicketStatus;
  topic: string;
  clientId: number;
  managerId: number | null;
  createdAt: number;
  updatedAt: number;
  cycles: Cycle[];
  ratings: Rating[];
  /** The ticket's post in the managers' channel. */
  postId: number | null;
  /** Id of the automatic forward of the post in the discussion group: the thread root. */
  threadId: number | null;
  /**
   * Extra posts of the ticket (a send whose answer was lost and that was repeated): their
   * threads map to the ticket too, so comments under either reach the client.
   */
  duplicates?: Array<{ postId: number; threadId: number | null }>;
  /** The ticket's header message in the client's chat (replies without room for a number go under it). */
  clientHeaderId: number | null;
  /** Oldest client message not yet answered by a manager, or null when nothing waits. */
  waitingSince: number | null;
  /** Last message from either side, for "newest activity first" lists. */
  lastActivityAt: number;
  /**
   * The client's name when they opened the ticket, as reports show it (absent on older
   * records: those read the client's record).
   */
  opener?: OpenerName;
  /** Absent on older records and new tickets: normal. */
  priority?: Priority;
  /** Since when the ticket waits for the customer (or is on hold): the SLA clocks are paused. */
  pausedSince?: number | null;
  /** Put on hold by hand, with the reason: waits for the customer or someone else. */
  hold?: { reason: string; at: number; by: number } | null;
  /** A duplicate merged into that ticket (closed; reports count the other one only). */
  mergedInto?: number;
  /** Duplicates merged into this ticket. */
  mergedFrom?: number[];
  /** The team's labels (normalised: lower case, no `#`), in the order they were added. */
  tags?: string[];
  /**
   * The desk (channel + group pair, `Settings.desks`) the ticket was posted on, chosen by its
   * topic at creation and kept; absent: desk 0, the main one.
   */
  desk?: number;
}

/** Who a ticket waits for: the team, the customer (answered last), or on hold by hand. */
export type WaitState = "team" | "customer" | "hold" | "closed";

/**
 * Who the ticket waits for now. An answered ticket of an older record (no `pausedSince`)
 * waits for the customer as well.
 */
export function waitState(t: Ticket): WaitState {
  if (t.status === "closed") return "closed";
  if (t.hold) return "hold";
  if (t.waitingSince !== null) return "team";
  if (typeof t.pausedSince === "number") return "customer";
  return currentCycle(t).firstReplyAt !== undefined ? "customer" : "team";
}

/** Since when a ticket waiting for the customer (or on hold) has waited, or null. */
export function pausedFrom(t: Ticket): number | null {
  const state = waitState(t);
  if (state !== "customer" && state !== "hold") return null;
  return t.pausedSince ?? t.hold?.at ?? t.lastActivityAt;
}

/** The ticket with its open pause ended at `at` (recorded in the current cycle). */
function resumed(ticket: Ticket, at: number): Pick<Ticket, "cycles" | "pausedSince"> {
  const from = ticket.pausedSince;
  if (typeof from !== "number") return { cycles: ticket.cycles, pausedSince: null };
  const cycle = currentCycle(ticket);
  const start = Math.max(from, cycle.startedAt);
  const paused = [...(cycle.paused ?? []), [start, Math.max(start, at)] as [number, number]]
    .slice(-MAX_PAUSES);
  return { cycles: withCycle(ticket, { paused }), pausedSince: null };
}

/** Every kind of change recorded in a ticket's history. */
export type TicketEventType =
  | "created"
  | "taken"
  | "transferred"
  | "replied"
  | "closed"
  | "reopened"
  | "rated"
  /** Handed back to the team (its manager was removed); `fromManagerId` had it. */
  | "unassigned"
  /** Given to `managerId` by the assignment rule of the settings (actor: system). */
  | "assigned"
  /** The priority became `priority`. */
  | "priority"
  /** Put on hold by hand (`comment`: the reason). */
  | "held"
  /** Taken off hold by hand. */
  | "resumed"
  /** Merged: `other` is the ticket it went into (on the duplicate) or came from (on the target). */
  | "merged"
  /** Tags added (`tags`: the ones that were new). */
  | "tagged"
  /** Tags removed (`tags`: the ones that were there). */
  | "untagged";

/** A recorded change: what, when, by whom, plus details of the change. */
export interface TicketEvent {
  type: TicketEventType;
  at: number;
  actor: Actor;
  /** For take/transfer: the manager assigned; for transfer also the previous one. */
  managerId?: number;
  fromManagerId?: number | null;
  score?: number;
  comment?: string;
  priority?: Priority;
  /** For merges: the other ticket; `into` tells the direction. */
  other?: number;
  into?: boolean;
  /** For tag changes: the tags added or removed. */
  tags?: string[];
}

/** Why a transition was refused. Bots map each code to a localized text. */
export type RejectReason =
  | "not_owner"
  | "not_allowed"
  | "not_yours"
  | "already_closed"
  | "not_closed"
  | "closed"
  | "already_assigned"
  | "already_yours"
  | "same_manager"
  | "not_rated_yet_closed"
  | "already_rated"
  | "bad_score"
  | "same_priority"
  | "not_on_hold"
  | "merge_self"
  | "merge_other_client"
  | "merge_target_closed"
  | "tags_unchanged"
  | "too_many_tags"
  | "too_long";

/** Result of a transition. */
export type Transition =
  | { ok: true; ticket: Ticket; event: TicketEvent }
  | { ok: false; reason: RejectReason };

/** A client's name and username as Telegram gave them (`User.first_name`…). */
export interface OpenerName {
  firstName: string;
  lastName?: string;
  username?: string;
}

/** Fields a new ticket needs. */
export interface NewTicket {
  number: number;
  topic: string;
  clientId: number;
  createdAt: number;
  /** The desk of its topic; 0 or absent: the main desk. */
  desk?: number;
  /** The client's name at the opening. */
  opener?: OpenerName;
}

/** Builds a fresh open ticket and its "created" event. */
export function newTicket(input: NewTicket): { ticket: Ticket; event: TicketEvent } {
  const ticket: Ticket = {
    number: input.number,
    status: "open",
    topic: input.topic,
    clientId: input.clientId,
    managerId: null,
    createdAt: input.createdAt,
    updatedAt: input.createdAt,
    cycles: [{ startedAt: input.createdAt }],
    ratings: [],
    postId: null,
    threadId: null,
    clientHeaderId: null,
    waitingSince: input.createdAt,
    lastActivityAt: input.createdAt,
    ...(input.desk ? { desk: input.desk } : {}),
    ...(input.opener ? { opener: input.opener } : {}),
  };
  return {
    ticket,
    event: { type: "created", at: input.createdAt, actor: { role: "client", id: input.clientId } },
  };
}

function isStaff(actor: Actor): boolean {
  return actor.role === "manager" || actor.role === "admin" || actor.role === "system";
}

/**
 * The one rule of who may change a ticket (close, reopen, transfer, answer from the desk),
 * whatever the path — a post button, a thread command, the manager bot: admins and the
 * service any ticket; a manager an unassigned ticket or their own.
 */
export function mayChange(actor: Actor, ticket: Ticket): boolean {
  if (actor.role === "admin" || actor.role === "system") return true;
  if (actor.role !== "manager") return false;
  return ticket.managerId === null || ticket.managerId === actor.id;
}

function mayActAsOwnerOrStaff(ticket: Ticket, actor: Actor): RejectReason | null {
  if (actor.role === "client") return actor.id === ticket.clientId ? null : "not_owner";
  if (!isStaff(actor)) return "not_allowed";
  return mayChange(actor, ticket) ? null : "not_yours";
}

/** The cycle in progress (or the last one, when closed). */
export function currentCycle(ticket: Ticket): Cycle {
  const cycle = ticket.cycles[ticket.cycles.length - 1];
  if (!cycle) throw new Error(`Ticket #${ticket.number} has no cycle`);
  return cycle;
}

function withCycle(ticket: Ticket, patch: Partial<Cycle>): Cycle[] {
  const cycles = ticket.cycles.slice();
  cycles[cycles.length - 1] = { ...currentCycle(ticket), ...patch };
  return cycles;
}

/** A manager takes an unassigned ticket; open becomes in progress. */
export function take(ticket: Ticket, actor: Actor, at: number): Transition {
  if (actor.role !== "manager" && actor.role !== "admin") {
    return { ok: false, reason: "not_allowed" };
  }
  if (ticket.status === "closed") return { ok: false, reason: "closed" };
  if (ticket.managerId === actor.id) return { ok: false, reason: "already_yours" };
  if (ticket.managerId !== null) return { ok: false, reason: "already_assigned" };
  return {
    ok: true,
    ticket: { ...ticket, managerId: actor.id, status: "in_progress", updatedAt: at },
    event: { type: "taken", at, actor, managerId: actor.id, fromManagerId: null },
  };
}

/**
 * Why `dup` cannot be merged into `target` by `actor`, or null when it can: both open tickets
 * of the same client, and the actor may change both.
 */
export function mergeRefusal(dup: Ticket, target: Ticket, actor: Actor): RejectReason | null {
  if (!isStaff(actor)) return "not_allowed";
  if (dup.number === target.number) return "merge_self";
  if (dup.clientId !== target.clientId) return "merge_other_client";
  if (!mayChange(actor, dup) || !mayChange(actor, target)) return "not_yours";
  if (dup.status === "closed") return "closed";
  if (target.status === "closed") return "merge_target_closed";
  return null;
}

/** The duplicate side of a merge: closed as merged into `target`. */
export function mergeAway(dup: Ticket, target: Ticket, actor: Actor, at: number): Transition {
  const denied = mergeRefusal(dup, target, actor);
  if (denied) return { ok: false, reason: denied };
  const closed = close(dup, actor, at);
  if (!closed.ok) return closed;
  const cycles = closed.ticket.cycles.slice();
  cycles[cycles.length - 1] = { ...currentCycle(closed.ticket), closedHow: "merge" };
  return {
    ok: true,
    ticket: { ...closed.ticket, cycles, mergedInto: target.number },
    event: { type: "merged", at, actor, other: target.number, into: true },
  };
}

/** The target side of a merge: records the duplicate; still open. */
export function mergeHere(target: Ticket, dupNumber: number, actor: Actor, at: number): Transition {
  if (target.status === "closed") return { ok: false, reason: "merge_target_closed" };
  return {
    ok: true,
    ticket: {
      ...target,
      mergedFrom: [...new Set([...(target.mergedFrom ?? []), dupNumber])],
      updatedAt: at,
    },
    event: { type: "merged", at, actor, other: dupNumber, into: false },
  };
}

/** The ticket's priority (normal when never set). */
export function priorityOf(ticket: Ticket): Priority {
  return ticket.priority ?? "normal";
}

/** Staff who may change the ticket set its priority. */
export function setPriority(
  ticket: Ticket,
  actor: Actor,
  priority: Priority,
  at: number,
): Transition {
  if (!isStaff(actor)) return { ok: false, reason: "not_allowed" };
  if (!mayChange(actor, ticket)) return { ok: false, reason: "not_yours" };
  if (ticket.status === "closed") return { ok: false, reason: "closed" };
  if (priorityOf(ticket) === priority) return { ok: false, reason: "same_priority" };
  return {
    ok: true,
    ticket: { ...ticket, priority, updatedAt: at },
    event: { type: "priority", at, actor, priority },
  };
}

/** Most tags on one ticket (they are shown on the post and in every list line). */
export const MAX_TAGS = 10;

/** Longest tag, in characters. */
export const MAX_TAG = 20;

/**
 * A tag, normalised (lower case, no `#`): a letter, then letters, digits or `_` — what
 * Telegram takes into a hashtag, never a ticket's `#12`. Latin and Cyrillic only (at most 2
 * bytes each in UTF-8), so a list button carrying a tag stays under 64 bytes of callback data.
 */
export const TAG_PATTERN = new RegExp(`^[a-zа-яё][a-zа-яё0-9_]{0,${MAX_TAG - 1}}$`);

/**
 * Staff who may change the ticket add tags (already normalised) to it, closed tickets too:
 * labelling what a ticket was about is often done after the close, for the report.
 */
export function addTags(ticket: Ticket, actor: Actor, tags: string[], at: number): Transition {
  if (!isStaff(actor)) return { ok: false, reason: "not_allowed" };
  if (!mayChange(actor, ticket)) return { ok: false, reason: "not_yours" };
  const had = ticket.tags ?? [];
  const added = [...new Set(tags)].filter((x) => !had.includes(x));
  if (!added.length) return { ok: false, reason: "tags_unchanged" };
  if (had.length + added.length > MAX_TAGS) return { ok: false, reason: "too_many_tags" };
  return {
    ok: true,
    ticket: { ...ticket, tags: [...had, ...added], updatedAt: at },
    event: { type: "tagged", at, actor, tags: added },
  };
}

/** Staff who may change the ticket remove tags from it. */
export function removeTags(ticket: Ticket, actor: Actor, tags: string[], at: number): Transition {
  if (!isStaff(actor)) return { ok: false, reason: "not_allowed" };
  if (!mayChange(actor, ticket)) return { ok: false, reason: "not_yours" };
  const had = ticket.tags ?? [];
  const removed = had.filter((x) => tags.includes(x));
  if (!removed.length) return { ok: false, reason: "tags_unchanged" };
  return {
    ok: true,
    ticket: { ...ticket, tags: had.filter((x) => !removed.includes(x)), updatedAt: at },
    event: { type: "untagged", at, actor, tags: removed },
  };
}

/**
 * Staff who may change the ticket put it on hold with a reason: it waits for the customer (or
 * someone else); the SLA clocks pause and it is not closed as quiet. A new reason replaces the
 * old one. The customer's next message ends the hold.
 */
export function putOnHold(ticket: Ticket, actor: Actor, reason: string, at: number): Transition {
  if (!isStaff(actor)) return { ok: false, reason: "not_allowed" };
  if (!mayChange(actor, ticket)) return { ok: false, reason: "not_yours" };
  if (ticket.status === "closed") return { ok: false, reason: "closed" };
  return {
    ok: true,
    ticket: {
      ...ticket,
      hold: { reason, at, by: actor.id },
      pausedSince: typeof ticket.pausedSince === "number" ? ticket.pausedSince : at,
      updatedAt: at,
    },
    event: { type: "held", at, actor, comment: reason },
  };
}

/**
 * Staff take a ticket off hold: it waits for the customer again if they answered last, else
 * for the team (the clocks run again).
 */
export function releaseHold(ticket: Ticket, actor: Actor, at: number): Transition {
  if (!isStaff(actor)) return { ok: false, reason: "not_allowed" };
  if (!mayChange(actor, ticket)) return { ok: false, reason: "not_yours" };
  if (ticket.status === "closed") return { ok: false, reason: "closed" };
  if (!ticket.hold) return { ok: false, reason: "not_on_hold" };
  const answered = ticket.waitingSince === null && currentCycle(ticket).firstReplyAt !== undefined;
  return {
    ok: true,
    ticket: { ...ticket, ...(answered ? {} : resumed(ticket, at)), hold: null, updatedAt: at },
    event: { type: "resumed", at, actor },
  };
}

/**
 * The assignment rule gives an unassigned new ticket to a manager. The status stays open:
 * nobody has answered yet, and the reaction clock runs on.
 */
export function assign(ticket: Ticket, managerId: number, at: number): Transition {
  if (ticket.status === "closed") return { ok: false, reason: "closed" };
  if (ticket.managerId !== null) return { ok: false, reason: "already_assigned" };
  return {
    ok: true,
    ticket: { ...ticket, managerId, updatedAt: at },
    event: {
      type: "assigned",
      at,
      actor: { role: "system", id: 0 },
      managerId,
      fromManagerId: null,
    },
  };
}

/**
 * An admin removed the ticket's manager: an open ticket goes back to the team, unassigned
 * (the status stays: work done so far is not undone).
 */
export function unassign(ticket: Ticket, actor: Actor, at: number): Transition {
  if (!isStaff(actor)) return { ok: false, reason: "not_allowed" };
  if (ticket.status === "closed") return { ok: false, reason: "closed" };
  if (ticket.managerId === null) return { ok: false, reason: "same_manager" };
  return {
    ok: true,
    ticket: { ...ticket, managerId: null, updatedAt: at },
    event: { type: "unassigned", at, actor, fromManagerId: ticket.managerId },
  };
}

/** Staff hand a ticket to another manager. */
export function transfer(
  ticket: Ticket,
  actor: Actor,
  toManagerId: number,
  at: number,
): Transition {
  if (!isStaff(actor)) return { ok: false, reason: "not_allowed" };
  if (!mayChange(actor, ticket)) return { ok: false, reason: "not_yours" };
  if (ticket.status === "closed") return { ok: false, reason: "closed" };
  if (ticket.managerId === toManagerId) return { ok: false, reason: "same_manager" };
  return {
    ok: true,
    ticket: {
      ...ticket,
      managerId: toManagerId,
      status: ticket.status === "open" ? "in_progress" : ticket.status,
      updatedAt: at,
    },
    event: {
      type: "transferred",
      at,
      actor,
      managerId: toManagerId,
      fromManagerId: ticket.managerId,
    },
  };
}

/**
 * A manager's message reached the client. The first reply of a cycle is recorded (reaction
 * time), an unassigned ticket is assigned to the author, and nothing waits any more.
 */
export function managerReplied(ticket: Ticket, actor: Actor, at: number): Transition {
  if (actor.role !== "manager" && actor.role !== "admin") {
    return { ok: false, reason: "not_allowed" };
  }
  if (ticket.status === "closed") return { ok: false, reason: "closed" };
  const cycle = currentCycle(ticket);
  const managerId = ticket.managerId ?? actor.id;
  return {
    ok: true,
    ticket: {
      ...ticket,
      managerId,
      status: "in_progress",
      cycles: cycle.firstReplyAt === undefined
        ? withCycle(ticket, { firstReplyAt: at })
        : ticket.cycles,
      waitingSince: null,
      // now the customer's move: the SLA clocks pause until they write
      pausedSince: typeof ticket.pausedSince === "number" ? ticket.pausedSince : at,
      lastActivityAt: at,
      updatedAt: at,
    },
    event: { type: "replied", at, actor, managerId },
  };
}

/** The client wrote in their open ticket: it now waits for an answer. */
export function clientWrote(ticket: Ticket, clientId: number, at: number): Transition {
  if (clientId !== ticket.clientId) return { ok: false, reason: "not_owner" };
  if (ticket.status === "closed") return { ok: false, reason: "closed" };
  // the customer wrote: the team's move again, a hold is over
  return {
    ok: true,
    ticket: {
      ...ticket,
      ...resumed(ticket, at),
      hold: null,
      waitingSince: ticket.waitingSince ?? at,
      lastActivityAt: at,
      updatedAt: at,
    },
    event: { type: "replied", at, actor: { role: "client", id: clientId } },
  };
}

/**
 * The owner or staff close a ticket. open → closed is allowed (nobody answered yet). `how`
 * marks a close caused by blocking the client.
 */
export function close(ticket: Ticket, actor: Actor, at: number, how?: "block"): Transition {
  const denied = mayActAsOwnerOrStaff(ticket, actor);
  if (denied) return { ok: false, reason: denied };
  if (ticket.status === "closed") return { ok: false, reason: "already_closed" };
  const ended = { ...ticket, ...resumed(ticket, at) };
  return {
    ok: true,
    ticket: {
      ...ended,
      hold: null,
      status: "closed",
      cycles: withCycle(ended, {
        closedAt: at,
        closedBy: actor,
        ...(how ? { closedHow: how } : {}),
      }),
      waitingSince: null,
      updatedAt: at,
      lastActivityAt: at,
    },
    event: { type: "closed", at, actor },
  };
}

/**
 * The longest record (in JSON characters) that may still be reopened. Deno KV keeps at most
 * 64 KiB per value and a ticket is one value: past it every change of the ticket would fail,
 * the customer's messages and the managers' answers included. Each reopening adds a work
 * period (up to {@linkcode MAX_PAUSES} pauses and a rating with a 1,000-character comment:
 * about 5 KB), and V8's serialization takes at most about two bytes per JSON character here
 * (two-byte strings; numbers and keys take fewer), so a record reopened below this stays well
 * under the limit. Reached only by a ticket reopened dozens of times; its customer's next
 * message starts a new ticket instead.
 */
export const MAX_REOPEN_CHARS = 28_000;

/** Whether a closed ticket's record leaves room for one more work period. */
export function reopenable(ticket: Ticket): boolean {
  return JSON.stringify(ticket).length <= MAX_REOPEN_CHARS;
}

/** The owner or staff reopen a closed ticket: a new cycle starts, in progress. */
export function reopen(ticket: Ticket, actor: Actor, at: number): Transition {
  const denied = mayActAsOwnerOrStaff(ticket, actor);
  if (denied) return { ok: false, reason: denied };
  if (ticket.status !== "closed") return { ok: false, reason: "not_closed" };
  if (!reopenable(ticket)) return { ok: false, reason: "too_long" };
  return {
    ok: true,
    ticket: {
      ...ticket,
      status: "in_progress",
      cycles: [...ticket.cycles, { startedAt: at, reopenedBy: actor }],
      waitingSince: actor.role === "client" ? at : null,
      pausedSince: null,
      hold: null,
      // a merged duplicate reopened is a ticket of its own again
      mergedInto: undefined,
      updatedAt: at,
      lastActivityAt: at,
    },
    event: { type: "reopened", at, actor },
  };
}

/** The owner rates the last close, 1–5, once per close. */
export function rate(
  ticket: Ticket,
  actor: Actor,
  score: number,
  comment: string | undefined,
  at: number,
  /** The work period rated (a prompt's own); the last closed one when absent. */
  rated?: number,
): Transition {
  if (actor.role !== "client" || actor.id !== ticket.clientId) {
    return { ok: false, reason: "not_owner" };
  }
  if (!Number.isInteger(score) || score < 1 || score > 5) return { ok: false, reason: "bad_score" };
  const closedCycles = ticket.cycles.filter((c) => c.closedAt !== undefined).length;
  if (closedCycles === 0) return { ok: false, reason: "not_rated_yet_closed" };
  const cycle = rated ?? lastClosedCycleIndex(ticket);
  if (ticket.cycles[cycle]?.closedAt === undefined) {
    return { ok: false, reason: "not_rated_yet_closed" };
  }
  if (ticket.ratings.some((r) => r.cycle === cycle)) return { ok: false, reason: "already_rated" };
  const rating: Rating = { score, at, cycle, ...(comment ? { comment } : {}) };
  return {
    ok: true,
    ticket: { ...ticket, ratings: [...ticket.ratings, rating], updatedAt: at },
    event: { type: "rated", at, actor, score, ...(comment ? { comment } : {}) },
  };
}

/** Adds or replaces the comment of the rating of work period `rated` (default: the last close). */
export function commentRating(
  ticket: Ticket,
  actor: Actor,
  comment: string,
  at: number,
  rated?: number,
): Transition {
  if (actor.role !== "client" || actor.id !== ticket.clientId) {
    return { ok: false, reason: "not_owner" };
  }
  const cycle = rated ?? lastClosedCycleIndex(ticket);
  const idx = ticket.ratings.findIndex((r) => r.cycle === cycle);
  const rating = ticket.ratings[idx];
  if (!rating) return { ok: false, reason: "not_rated_yet_closed" };
  const ratings = ticket.ratings.slice();
  ratings[idx] = { ...rating, comment };
  return {
    ok: true,
    ticket: { ...ticket, ratings, updatedAt: at },
    event: { type: "rated", at, actor, score: rating.score, comment },
  };
}

function lastClosedCycleIndex(ticket: Ticket): number {
  for (let i = ticket.cycles.length - 1; i >= 0; i--) {
    if (ticket.cycles[i]?.closedAt !== undefined) return i;
  }
  return -1;
}

/** Number of times a ticket was reopened. */
export function reopenCount(ticket: Ticket): number {
  return ticket.cycles.length - 1;
}
