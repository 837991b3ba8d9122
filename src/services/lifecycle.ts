/**
 * Ticket actions taken by people: take, transfer, close, reopen, rate. Each records the
 * transition, tells the client and the thread, and refreshes the channel post.
 *
 * @module
 */
import type { OutboxJob } from "../domain/records.ts";
import {
  type Actor,
  addTags,
  assign,
  close,
  commentRating,
  mergeAway,
  mergeHere,
  type Priority,
  putOnHold,
  rate,
  type RejectReason,
  releaseHold,
  removeTags,
  reopen,
  setPriority,
  take,
  type Ticket,
  transfer,
  type Transition,
  unassign,
} from "../domain/ticket.ts";
import { t, type TextKey } from "../i18n/mod.ts";
import { getAdmin, getManager, patchClient } from "../storage/people.ts";
import { getSettings } from "../storage/settings.ts";
import { changeTicket, getTicket } from "../storage/tickets.ts";
import { ticketThreadLink } from "./desk/format.ts";
import { hashtags, personName } from "./post.ts";
import type { Helpdesk } from "./helpdesk.ts";

/** Result of an action: the new ticket, or why it was refused. */
export type ActionResult = { ok: true; ticket: Ticket } | {
  ok: false;
  reason: RejectReason | "not_found";
};

type Notice = {
  lane: OutboxJob["lane"];
  key: TextKey;
  params?: Record<string, string | number>;
  rate?: true;
};

async function act(
  deps: Helpdesk,
  n: number,
  transition: (t: Ticket, at: number) => Transition,
  notices: (before: Ticket, after: Ticket) => Notice[],
  postDirty = true,
): Promise<ActionResult> {
  const at = deps.clock.now();
  const res = await changeTicket(deps.kv, n, at, (ticket, next) => {
    const r = transition(ticket, at);
    if (!r.ok) return { refuse: r.reason };
    const jobs: OutboxJob[] = notices(ticket, r.ticket).map((x) => ({
      ticket: n,
      lane: x.lane,
      seq: next(),
      createdAt: at,
      attempts: 0,
      notBefore: 0,
      action: {
        type: "notice",
        key: x.key,
        params: { number: n, ...x.params },
        // the stars rate the work period this close ended, whatever comes after it
        ...(x.rate ? { buttons: "rate" as const, cycle: r.ticket.cycles.length - 1 } : {}),
      },
    }));
    return {
      ticket: r.ticket,
      events: [{ ...r.event, seq: next() }],
      jobs,
      postDirty,
      result: undefined,
    };
  });
  if (!res.ok) {
    return { ok: false, reason: res.reason === "duplicate" ? "not_found" : res.reason };
  }
  deps.outbox.kick(n, "client");
  deps.outbox.kick(n, "group");
  if (postDirty) deps.outbox.kickPost(n);
  return { ok: true, ticket: res.ticket };
}

async function who(deps: Helpdesk, actor: Actor): Promise<{ key: TextKey; name: string }> {
  if (actor.role === "client") return { key: "who_client", name: "" };
  const m = await getManager(deps.kv, actor.id);
  if (m) return { key: "who_manager", name: personName(m) };
  // an admin who is no manager: named once a bot has seen them (bots/people.ts)
  const a = await getAdmin(deps.kv, actor.id);
  return { key: "who_manager", name: a?.name ? personName(a) : String(actor.id) };
}

/**
 * Closes a ticket; the client is told and asked to rate, unless `silent` (a blocked client
 * is told nothing). `how: "block"` records that blocking the client closed it.
 */
export async function closeTicket(
  deps: Helpdesk,
  n: number,
  actor: Actor,
  opts: { silent?: boolean; how?: "block" } = {},
): Promise<ActionResult> {
  const w = await who(deps, actor);
  const teamLang = (await getSettings(deps.kv)).teamLang;
  return await act(deps, n, (tk, at) => close(tk, actor, at, opts.how), () => [
    {
      lane: "group",
      key: "thread_closed_by",
      params: { who: t(teamLang, w.key, { name: w.name }) },
    },
    ...(opts.silent ? [] : [
      {
        lane: "client" as const,
        key: actor.role === "client"
          ? "ticket_closed_client" as const
          : "ticket_closed_by_manager" as const,
      },
      { lane: "client" as const, key: "rate_prompt" as const, rate: true as const },
    ]),
  ]);
}

/** Reopens a closed ticket: a new cycle starts. */
export async function reopenTicket(deps: Helpdesk, n: number, actor: Actor): Promise<ActionResult> {
  const w = await who(deps, actor);
  const teamLang = (await getSettings(deps.kv)).teamLang;
  const r = await act(deps, n, (tk, at) => reopen(tk, actor, at), () => [
    {
      lane: "group",
      key: "thread_reopened_by",
      params: { who: t(teamLang, w.key, { name: w.name }) },
    },
    {
      lane: "client",
      key: actor.role === "client" ? "ticket_reopened_client" : "ticket_reopened_by_manager",
    },
  ]);
  // the work is back: its manager (the whole team while nobody has it) hears of it
  if (r.ok) {
    deps.notifier?.notify({
      type: "reopened",
      ticket: n,
      by: actor.id,
      byClient: actor.role === "client",
    });
  }
  return r;
}

/** A manager takes an unassigned ticket. */
export async function takeTicket(deps: Helpdesk, n: number, actor: Actor): Promise<ActionResult> {
  const w = await who(deps, actor);
  return await act(deps, n, (tk, at) => take(tk, actor, at), () => [
    { lane: "group", key: "thread_taken", params: { manager: w.name } },
  ]);
}

/** Staff hand a ticket to another manager. */
export async function transferTicket(
  deps: Helpdesk,
  n: number,
  actor: Actor,
  toManagerId: number,
): Promise<ActionResult> {
  const to = await getManager(deps.kv, toManagerId);
  if (!to?.active) return { ok: false, reason: "not_allowed" };
  const r = await act(deps, n, (tk, at) => transfer(tk, actor, toManagerId, at), () => [
    { lane: "group", key: "thread_transferred", params: { manager: personName(to) } },
  ]);
  if (r.ok) {
    deps.notifier?.notify({ type: "transferred", ticket: n, to: toManagerId, by: actor.id });
  }
  return r;
}

/** Staff set the priority of ticket `n`; the thread is told, the post shows it. */
export async function prioritizeTicket(
  deps: Helpdesk,
  n: number,
  actor: Actor,
  priority: Priority,
): Promise<ActionResult> {
  const teamLang = (await getSettings(deps.kv)).teamLang;
  return await act(deps, n, (tk, at) => setPriority(tk, actor, priority, at), () => [
    {
      lane: "group",
      key: "thread_priority",
      params: { priority: t(teamLang, `prio_${priority}`) },
    },
  ]);
}

/**
 * Staff add or remove tags of ticket `n`; the thread is told the tags it has now, the post
 * shows them.
 */
export async function retagTicket(
  deps: Helpdesk,
  n: number,
  actor: Actor,
  change: "add" | "remove",
  tags: string[],
): Promise<ActionResult> {
  const step = change === "add" ? addTags : removeTags;
  return await act(deps, n, (tk, at) => step(tk, actor, tags, at), (_, after) => [
    after.tags?.length
      ? { lane: "group", key: "thread_tags", params: { tags: hashtags(after.tags) } }
      : { lane: "group", key: "thread_tags_none" },
  ]);
}

/** Staff put ticket `n` on hold with a reason; the thread is told, the post shows it. */
export async function holdTicket(
  deps: Helpdesk,
  n: number,
  actor: Actor,
  reason: string,
): Promise<ActionResult> {
  return await act(deps, n, (tk, at) => putOnHold(tk, actor, reason, at), () => [
    { lane: "group", key: "thread_held", params: { reason } },
  ]);
}

/** Staff take ticket `n` off hold. */
export async function resumeTicket(deps: Helpdesk, n: number, actor: Actor): Promise<ActionResult> {
  return await act(deps, n, (tk, at) => releaseHold(tk, actor, at), () => [
    { lane: "group", key: "thread_resumed" },
  ]);
}

/**
 * Merges duplicate `dup` into `target` (both open, of one client): the duplicate is closed as
 * merged, each thread is told with a link to the other, the client is told where the
 * conversation goes on (and their messages go there), and both tickets keep the merge in
 * their records. Two changes, the duplicate first: should the second fail (the target was
 * closed in between), the duplicate stays closed and the client can reopen it.
 */
export async function mergeTickets(
  deps: Helpdesk,
  dup: number,
  target: number,
  actor: Actor,
): Promise<ActionResult> {
  const [into, settings] = await Promise.all([getTicket(deps.kv, target), getSettings(deps.kv)]);
  if (!into) return { ok: false, reason: "not_found" };
  const link = (tk: Ticket) => ticketThreadLink(settings, tk) ?? "";
  const r = await act(deps, dup, (tk, at) => mergeAway(tk, into, actor, at), (before) => {
    const notices: Notice[] = [
      { lane: "group", key: "thread_merged_into", params: { other: target, link: link(into) } },
      {
        lane: "client",
        key: "ticket_merged_client",
        params: { other: target, from: before.number },
      },
    ];
    return notices;
  });
  if (!r.ok) return r;
  await act(deps, target, (tk, at) => mergeHere(tk, dup, actor, at), () => [
    { lane: "group", key: "thread_merged_from", params: { other: dup, link: link(r.ticket) } },
  ]);
  await patchClient(
    deps.kv,
    r.ticket.clientId,
    (c) => c.currentTicket === dup ? { currentTicket: target } : {},
  );
  return r;
}

/** The assignment rule gives new ticket `n` to manager `m`; the thread is told who has it. */
export async function assignTicket(
  deps: Helpdesk,
  n: number,
  m: { id: number; name: string },
): Promise<ActionResult> {
  return await act(deps, n, (tk, at) => assign(tk, m.id, at), () => [
    { lane: "group", key: "thread_assigned", params: { manager: personName(m) } },
  ]);
}

/**
 * A removed manager's ticket goes back to the team, unassigned; the thread is told so that
 * someone takes it. `name` is the removed manager's.
 */
export async function unassignTicket(
  deps: Helpdesk,
  n: number,
  actor: Actor,
  name: string,
): Promise<ActionResult> {
  return await act(deps, n, (tk, at) => unassign(tk, actor, at), () => [
    { lane: "group", key: "thread_unassigned", params: { manager: name } },
  ]);
}

/** The client rates the last close. */
export async function rateTicket(
  deps: Helpdesk,
  n: number,
  clientId: number,
  score: number,
  /** The work period the pressed prompt rates (absent: the last closed). */
  cycle?: number,
): Promise<ActionResult> {
  const r = await act(
    deps,
    n,
    (tk, at) => rate(tk, { role: "client", id: clientId }, score, undefined, at, cycle),
    () => [{
      lane: "group",
      key: "thread_rated",
      params: { score: "★".repeat(score), comment: "" },
    }],
  );
  if (r.ok) deps.notifier?.notify({ type: "rated", ticket: n, score });
  return r;
}

/** The client adds a comment to their rating. */
export async function commentTicketRating(
  deps: Helpdesk,
  n: number,
  clientId: number,
  comment: string,
  /** The work period rated (absent: the last closed). */
  cycle?: number,
): Promise<ActionResult> {
  return await act(
    deps,
    n,
    (tk, at) => commentRating(tk, { role: "client", id: clientId }, comment, at, cycle),
    (_b, after) => [{
      lane: "group",
      key: "thread_rated",
      params: {
        score: "★".repeat(
          (cycle === undefined
            ? after.ratings[after.ratings.length - 1]
            : after.ratings.find((x) => x.cycle === cycle))?.score ?? 0,
        ),
        comment: `«${comment}»`,
      },
    }],
  );
}
