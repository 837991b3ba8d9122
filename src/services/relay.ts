/**
 * Messages entering a ticket: the client's (private chat → thread) and the managers'
 * (thread → private chat). Each is recorded with its outgoing job in the same atomic
 * operation as the mark that its update was processed, then the outbox delivers it.
 *
 * Over ~400 lines and not split (yet): each export is one inbound path of a ticket's messages
 * (client, manager, desk answer, their edits and deletions) sharing `record`, `jobsFor` and
 * the hints to the outbox; the split by path (inbound messages / edits and deletions) was left
 * to a change of its own so that the throughput work (issue 18 item 5) stayed reviewable.
 *
 * @module
 */
import type { Message } from "grammy/types";
import type { Lane, MessageRecord, OutboxJob } from "../domain/records.ts";
import { deskForTopic } from "../domain/settings.ts";
import {
  type Actor,
  clientWrote,
  managerReplied,
  type OpenerName,
  type Ticket,
  waitState,
} from "../domain/ticket.ts";
import type { InboxMark } from "../storage/tickets.ts";
import {
  changeTicket,
  createTicket,
  findMessageRef,
  getMessage,
  getTicketAndClient,
  ticketsByClient,
} from "../storage/tickets.ts";
import { getClientNote } from "../storage/client_notes.ts";
import { getSettings } from "../storage/settings.ts";
import { t } from "../i18n/mod.ts";
import { ticketThreadLink } from "./desk/format.ts";
import { patchClient } from "../storage/people.ts";
import { saveFastLaneRefs } from "../storage/desk.ts";
import type { Helpdesk } from "./helpdesk.ts";
import type { LaneHint } from "./outbox.ts";
import { committedJobs, committedRecords } from "../storage/outbox.ts";
import { offHoursReply } from "./sla.ts";
import type { FloodStep } from "../storage/sla.ts";
import { contentOf } from "./message_content.ts";
import { autoAssign } from "./desk/assign.ts";
import { staffRole } from "./roles.ts";

/** A received Telegram message with the id of the update that brought it. */
export interface Incoming {
  updateId: number;
  message: Message;
}

function record(
  ticket: number,
  seq: number,
  at: number,
  direction: MessageRecord["direction"],
  senderId: number,
  m: Message,
  replyToSeq: number | undefined,
): MessageRecord {
  return {
    ticket,
    seq,
    at,
    direction,
    senderId,
    ...contentOf(m),
    source: { chatId: m.chat.id, messageId: m.message_id },
    ...(replyToSeq !== undefined ? { replyToSeq } : {}),
    delivery: direction === "note" ? "none" : "pending",
    // the copy of a live location starts the throttle window of its moves
    ...(m.location?.live_period ? { liveRelayedAt: Date.now() } : {}),
  };
}

/**
 * What a change committed, for the lane runner to use instead of reading it back: `jobs`, all
 * it queued into the lane, and the seqs it took (the first is the ticket's sequence before it
 * plus one: `changeTicket` allocates from there, and its commit checked that sequence).
 */
function hintOf(
  ticket: Ticket,
  records: MessageRecord[],
  jobs: OutboxJob[],
  versionstamp: string,
): LaneHint {
  const seqs = [...records, ...jobs].map((x) => x.seq);
  return {
    ticket,
    records: committedRecords(records, versionstamp),
    jobs: committedJobs(jobs, versionstamp),
    after: Math.min(...seqs) - 1,
    through: Math.max(...seqs),
  };
}

/**
 * Messages one change records at most. A message writes up to six keys of up to ~9 KB (its
 * record, index, job, inbox mark, the held copy's removal), and one KV operation takes 1000
 * mutations and 800 KiB: hundreds of messages kept while the helpdesk was closed go in parts.
 */
export const CHANGE_ITEMS = 40;

/**
 * `items` in runs of about {@linkcode CHANGE_ITEMS}, in order, an album never split (its
 * parts are one job), with the held ids of each run.
 */
function inParts(items: Incoming[], heldIds: number[]): Array<[Incoming[], number[]]> {
  const out: Array<[Incoming[], number[]]> = [];
  let run: Incoming[] = [];
  for (const item of items) {
    const group = item.message.media_group_id;
    const last = run[run.length - 1]?.message.media_group_id;
    if (run.length >= CHANGE_ITEMS && !(group && group === last)) {
      out.push([run, heldIds.filter((id) => run.some((i) => i.updateId === id))]);
      run = [];
    }
    run.push(item);
  }
  if (run.length) out.push([run, heldIds.filter((id) => run.some((i) => i.updateId === id))]);
  return out;
}

/** Telegram seconds between two relayed positions of one live location (see README). */
export const LIVE_MOVE_WINDOW_SEC = 60;

/** Jobs that deliver `records` into `lane`: one album job per media group, a copy job otherwise. */
function jobsFor(
  records: MessageRecord[],
  lane: Lane,
  at: number,
  next: () => number,
): OutboxJob[] {
  const jobs: OutboxJob[] = [];
  const base = { ticket: records[0]?.ticket ?? 0, lane, createdAt: at, attempts: 0, notBefore: 0 };
  for (let i = 0; i < records.length;) {
    const r = records[i]!;
    let end = i + 1;
    while (
      r.mediaGroupId && end < records.length && end - i < 10 &&
      records[end]!.mediaGroupId === r.mediaGroupId
    ) end++;
    const run = records.slice(i, end);
    jobs.push({
      ...base,
      seq: next(),
      action: run.length > 1
        ? { type: "album", msgSeqs: run.map((g) => g.seq) }
        : { type: "copy", msgSeq: r.seq },
    });
    i = end;
  }
  return jobs;
}

async function replySeqs(
  deps: Helpdesk,
  ticket: number,
  items: Incoming[],
): Promise<Array<number | undefined>> {
  return await Promise.all(items.map(async ({ message }) => {
    const r = message.reply_to_message;
    if (!r) return undefined;
    const ref = await findMessageRef(deps.kv, message.chat.id, r.message_id);
    return ref && ref.ticket === ticket && ref.seq > 0 ? ref.seq : undefined;
  }));
}

/** Earlier tickets of a client shown in a new ticket's thread. */
const EARLIER_SHOWN = 5;

/**
 * The client card comment that follows the question in a new ticket's thread, in the team's
 * language: the team's note on the customer (as it is now: a note changed later shows in
 * later tickets), then their earlier tickets (the newest first, each with the link to its
 * thread); null when there is neither.
 */
async function clientCardComment(deps: Helpdesk, clientId: number): Promise<string | null> {
  const [all, settings, note] = await Promise.all([
    ticketsByClient(deps.kv, clientId),
    getSettings(deps.kv),
    getClientNote(deps.kv, clientId),
  ]);
  const lang = settings.teamLang;
  const parts: string[] = [];
  if (note) parts.push(t(lang, "thread_client_note", { note: note.text }));
  if (all.length) {
    const lines = all.slice(0, EARLIER_SHOWN).map((tk) => {
      const link = ticketThreadLink(settings, tk);
      return t(lang, "thread_earlier_line", {
        number: tk.number,
        topic: tk.topic,
        status: t(lang, `status_${tk.status}`),
      }) + (link ? ` ${link}` : "");
    });
    if (all.length > EARLIER_SHOWN) {
      lines.push(t(lang, "thread_earlier_more", { n: all.length - EARLIER_SHOWN }));
    }
    parts.push(t(lang, "thread_earlier", { list: lines.join("\n") }));
  }
  return parts.length ? parts.join("\n\n") : null;
}

/** The client's name as Telegram gave it with their first message of the ticket. */
function openerOf(items: readonly Incoming[]): OpenerName | undefined {
  const from = items.find((i) => i.message.from)?.message.from;
  if (!from) return undefined;
  return {
    firstName: from.first_name,
    ...(from.last_name ? { lastName: from.last_name } : {}),
    ...(from.username ? { username: from.username } : {}),
  };
}

/**
 * Opens a new ticket whose question is `items` (one message, or an album, or messages held
 * while the client chose a topic). Returns the ticket, or null for a duplicate delivery.
 */
export async function openTicket(
  deps: Helpdesk,
  clientId: number,
  topic: string,
  items: Incoming[],
  heldIds: number[] = [],
): Promise<Ticket | null> {
  if (items.length > CHANGE_ITEMS) {
    // the ticket opens with the first part; the rest follows as messages in it
    const parts = inParts(items, heldIds);
    const [first, firstHeld] = parts[0]!;
    const rest = parts.slice(1);
    const ticket = await openTicket(deps, clientId, topic, first, firstHeld);
    if (!ticket) return null;
    const more = rest.flatMap(([part]) => part);
    await clientMessages(deps, ticket.number, clientId, more, rest.flatMap(([, ids]) => ids));
    return ticket;
  }
  const at = deps.clock.now();
  const [card, settings] = await Promise.all([
    clientCardComment(deps, clientId),
    getSettings(deps.kv),
  ]);
  let question: number[] = [];
  const res = await createTicket(deps.kv, {
    topic,
    // the desk its topic is routed to, kept for the ticket's life
    desk: deskForTopic(settings, topic),
    clientId,
    opener: openerOf(items),
    at,
    inbox: items.filter((i) => !heldIds.includes(i.updateId)).map((i) => ({
      bot: "client",
      updateId: i.updateId,
    })),
    with: (ticket, next) => {
      const records = items.map((i) =>
        record(ticket.number, next(), at, "in", clientId, i.message, undefined)
      );
      question = records.map((r) => r.seq);
      const header: OutboxJob = {
        ticket: ticket.number,
        lane: "client",
        seq: next(),
        createdAt: at,
        attempts: 0,
        notBefore: 0,
        action: { type: "header" },
      };
      const copies = jobsFor(records, "group", at, next);
      // after the question in the thread (a later seq): the note and the earlier tickets
      const history: OutboxJob[] = card
        ? [{
          ticket: ticket.number,
          lane: "group",
          seq: next(),
          createdAt: at,
          attempts: 0,
          notBefore: 0,
          action: { type: "notice", key: "custom_text", params: { text: card } },
        }]
        : [];
      return {
        messages: records,
        jobs: [header, ...copies, ...history],
        ...(heldIds.length ? { dropHeld: { clientId, updateIds: heldIds } } : {}),
        result: undefined,
      };
    },
  });
  if (!res.ok) return null;
  await patchClient(deps.kv, clientId, () => ({ currentTicket: res.ticket.number }));
  deps.outbox.kickPost(res.ticket.number);
  deps.outbox.kick(res.ticket.number, "client");
  deps.outbox.kick(res.ticket.number, "group");
  // before the announcement: an assigned ticket is announced to its manager only
  await autoAssign(deps, res.ticket);
  deps.notifier?.notify({ type: "new_ticket", ticket: res.ticket.number, seqs: question });
  await offHoursReply(deps, res.ticket);
  return res.ticket;
}

/**
 * The client wrote in an open ticket: records the messages and queues their copies into the
 * thread. Returns false when the ticket is closed (the caller asks the client what to do).
 */
export async function clientMessages(
  deps: Helpdesk,
  ticketNumber: number,
  clientId: number,
  items: Incoming[],
  heldIds: number[] = [],
  /** The client's flood meter for these messages, written with the change when it can be. */
  meter?: FloodStep,
): Promise<"ok" | "duplicate" | "closed" | "not_found"> {
  if (items.length > CHANGE_ITEMS) {
    // in order, part after part; a part that cannot go (the ticket closed meanwhile) stops
    // the rest, which stays held for the question that follows. A part recorded before (a
    // retry after a crash) is a duplicate: the whole is ok when any part was new
    let recorded = false;
    for (const [part, held] of inParts(items, heldIds)) {
      const r = await clientMessages(deps, ticketNumber, clientId, part, held, meter);
      if (r === "closed" || r === "not_found") return r;
      recorded ||= r === "ok";
    }
    return recorded ? "ok" : "duplicate";
  }
  const at = deps.clock.now();
  const replies = await replySeqs(deps, ticketNumber, items);
  let flipped = false;
  let assigned = false;
  let seqs: number[] = [];
  let written: MessageRecord[] = [];
  let queued: OutboxJob[] = [];
  const res = await changeTicket(
    deps.kv,
    ticketNumber,
    at,
    (ticket, next) => {
      const r = clientWrote(ticket, clientId, at);
      if (!r.ok) return { refuse: r.reason };
      const records = items.map((i, k) =>
        record(ticket.number, next(), at, "in", clientId, i.message, replies[k])
      );
      seqs = records.map((m) => m.seq);
      written = records;
      assigned = ticket.managerId !== null;
      // the post shows who the ticket waits for: redrawn when that changes, not per message
      flipped = waitState(ticket) !== waitState(r.ticket);
      queued = jobsFor(records, "group", at, next);
      return {
        ticket: r.ticket,
        messages: records,
        jobs: queued,
        postDirty: flipped,
        ...(heldIds.length ? { dropHeld: { clientId, updateIds: heldIds } } : {}),
        result: undefined,
      };
    },
    items.filter((i) => !heldIds.includes(i.updateId)).map((i): InboxMark => ({
      bot: "client",
      updateId: i.updateId,
    })),
    meter,
  );
  if (res.ok) {
    deps.outbox.kick(ticketNumber, "group", hintOf(res.ticket, written, queued, res.versionstamp));
    if (flipped) deps.outbox.kickPost(ticketNumber);
    // every message of an assigned ticket: the fast lane carries each to its manager
    // (desk/notifier.ts); an unassigned one was announced as new already
    if (assigned) deps.notifier?.notify({ type: "client_wrote", ticket: ticketNumber, seqs });
    await offHoursReply(deps, res.ticket);
    return "ok";
  }
  if (res.reason === "duplicate" || res.reason === "not_found") return res.reason;
  return "closed";
}

/**
 * A manager's comment in a ticket's thread: recorded and queued to the client (or kept as an
 * internal note). The first reply assigns an unassigned ticket to its author.
 */
export async function managerMessages(
  deps: Helpdesk,
  ticketNumber: number,
  actor: Actor,
  items: Incoming[],
  note: boolean,
): Promise<"ok" | "duplicate" | "closed" | "not_found"> {
  const at = deps.clock.now();
  const replies = await replySeqs(deps, ticketNumber, items);
  let reassigned = false;
  const res = await changeTicket(
    deps.kv,
    ticketNumber,
    at,
    (ticket, next) => {
      if (ticket.status === "closed") return { refuse: "closed" };
      const records = items.map((i, k) =>
        record(ticket.number, next(), at, note ? "note" : "out", actor.id, i.message, replies[k])
      );
      if (note) return { messages: records, result: undefined };
      const r = managerReplied(ticket, actor, at);
      if (!r.ok) return { refuse: r.reason };
      reassigned = ticket.managerId !== r.ticket.managerId || ticket.status !== r.ticket.status ||
        waitState(ticket) !== waitState(r.ticket);
      return {
        ticket: r.ticket,
        events: [{ ...r.event, seq: next() }],
        messages: records,
        jobs: jobsFor(records, "client", at, next),
        postDirty: reassigned,
        result: undefined,
      };
    },
    items.map((i) => ({ bot: "client", updateId: i.updateId })),
  );
  if (!res.ok) {
    if (res.reason === "duplicate" || res.reason === "not_found") return res.reason;
    return "closed";
  }
  if (!note) deps.outbox.kick(ticketNumber, "client");
  if (reassigned) deps.outbox.kickPost(ticketNumber);
  return "ok";
}

/** Why a manager's answer in the manager bot was not taken. */
export type DeskAnswerRefusal = "closed" | "not_yours" | "blocked" | "duplicate" | "not_found";

/**
 * A manager's reply, in the manager bot, to a fast-lane notification of the client's message
 * `replyToSeq` (see desk/notifier.ts): recorded like a comment in the ticket's thread (the
 * first reply assigns, the report counts it) in the same atomic operation as the mark that its
 * update was processed, and queued into the thread (`mirror`) and, a text, to the client at
 * once. Media reach the client after the thread: the manager bot's file_ids and its chat are
 * its own, so the manager bot copies the answer into the thread and the client bot copies it
 * from there (outbox_senders.ts). Refused when the ticket is closed, held by another manager,
 * or its client is blocked (`holder`: who holds it).
 */
export async function answerFromDesk(
  deps: Helpdesk,
  ticketNumber: number,
  replyToSeq: number,
  actor: Actor,
  item: Incoming,
): Promise<{ ok: true } | { ok: false; reason: DeskAnswerRefusal; holder?: number }> {
  const at = deps.clock.now();
  const { ticket: before, client } = await getTicketAndClient(deps.kv, ticketNumber);
  if (!before) return { ok: false, reason: "not_found" };
  // blocking closes the client's tickets: the block is the reason worth telling
  if (client?.blocked) return { ok: false, reason: "blocked" };
  let holder: number | undefined;
  let answerSeq = 0;
  let reassigned = false;
  let text = false;
  const res = await changeTicket(
    deps.kv,
    ticketNumber,
    at,
    (ticket, next) => {
      if (ticket.status === "closed") return { refuse: "closed" };
      if (ticket.managerId !== null && ticket.managerId !== actor.id) {
        holder = ticket.managerId;
        return { refuse: "not_yours" };
      }
      const r = managerReplied(ticket, actor, at);
      if (!r.ok) return { refuse: r.reason };
      const m: MessageRecord = {
        ...record(ticket.number, next(), at, "out", actor.id, item.message, replyToSeq),
        via: "desk",
      };
      answerSeq = m.seq;
      text = m.kind === "text";
      reassigned = ticket.managerId !== r.ticket.managerId || ticket.status !== r.ticket.status ||
        waitState(ticket) !== waitState(r.ticket);
      const job = (lane: Lane, action: OutboxJob["action"]): OutboxJob => ({
        ticket: ticket.number,
        lane,
        seq: next(),
        createdAt: at,
        attempts: 0,
        notBefore: 0,
        action,
      });
      return {
        ticket: r.ticket,
        events: [{ ...r.event, seq: next() }],
        messages: [m],
        // a text needs nothing of the thread's copy: it goes to the client at once
        jobs: [
          job("group", { type: "mirror", msgSeq: m.seq }),
          ...(text ? [job("client", { type: "copy", msgSeq: m.seq })] : []),
        ],
        postDirty: reassigned,
        result: undefined,
      };
    },
    [{ bot: "manager", updateId: item.updateId }],
  );
  if (!res.ok) {
    if (res.reason === "duplicate" || res.reason === "not_found") {
      return { ok: false, reason: res.reason };
    }
    if (res.reason === "not_yours") {
      return { ok: false, reason: "not_yours", ...(holder ? { holder } : {}) };
    }
    return { ok: false, reason: "closed" };
  }
  // the answer itself is known by its message too: an edit of it is relayed, a reply to it
  // answers the same ticket
  await saveFastLaneRefs(deps.kv, actor.id, [item.message.message_id], {
    ticket: ticketNumber,
    seq: answerSeq,
    at,
    own: true,
  });
  deps.outbox.kick(ticketNumber, "group");
  if (text) deps.outbox.kick(ticketNumber, "client");
  if (reassigned) deps.outbox.kickPost(ticketNumber);
  return { ok: true };
}

/**
 * The manager edited an answer given in the manager bot (`seq`): the record follows, and the
 * client's copy and the thread's comment are edited, in lane order (text and captions; a
 * replaced photo is not relayed). False when the message is not that manager's answer.
 */
export async function editFromDesk(
  deps: Helpdesk,
  ticketNumber: number,
  seq: number,
  edited: Message,
  updateId: number,
): Promise<boolean> {
  const original = await getMessage(deps.kv, ticketNumber, seq);
  if (
    !original || original.via !== "desk" || original.senderId !== edited.from?.id ||
    original.source.messageId !== edited.message_id
  ) return false;
  const at = deps.clock.now();
  const content = contentOf(edited);
  const res = await changeTicket(deps.kv, ticketNumber, at, (_t, next) => {
    const updated: MessageRecord = { ...original, editedAt: at };
    if (content.text !== undefined) updated.text = content.text;
    else delete updated.text;
    if (content.entities) updated.entities = content.entities;
    else delete updated.entities;
    const edit = (lane: Lane): OutboxJob => ({
      ticket: ticketNumber,
      lane,
      seq: next(),
      createdAt: at,
      attempts: 0,
      notBefore: 0,
      action: { type: "edit", msgSeq: seq },
    });
    return { messages: [updated], jobs: [edit("group"), edit("client")], result: undefined };
  }, [{ bot: "manager", updateId }]);
  if (res.ok) {
    deps.outbox.kick(ticketNumber, "group");
    deps.outbox.kick(ticketNumber, "client");
  }
  return true;
}

/**
 * An edited message: the stored text follows, and the copy on the other side is edited.
 * Returns false when the message is not part of any ticket.
 */
export async function relayEdit(
  deps: Helpdesk,
  edited: Message,
  updateId: number,
): Promise<boolean> {
  const ref = await findMessageRef(deps.kv, edited.chat.id, edited.message_id);
  if (!ref || ref.seq === 0) return false;
  const original = await getMessage(deps.kv, ref.ticket, ref.seq);
  if (!original || original.source.messageId !== edited.message_id) return false;
  // a team message edited by someone no longer on the team (a removed manager back in the group
  // by an old link): their rights ended with the removal, so the client's copy stays as it was
  if (original.direction !== "in" && !(edited.from && await staffRole(deps, edited.from.id))) {
    return false;
  }
  const at = deps.clock.now();
  const content = contentOf(edited);
  const lane: Lane | null = original.direction === "in"
    ? "group"
    : original.direction === "out"
    ? "client"
    : null;
  // media replaced: the copy gets the new file (the relaying bot's own file_id)
  const media = content.fileUniqueId !== undefined &&
    content.fileUniqueId !== original.fileUniqueId;
  // a live location: every move is an edit; relay at most one per window, the latest position
  // (a move inside the window is kept in the record and goes out with the next relayed one),
  // and always the stop
  let relay = true;
  let liveRelayedAt = original.liveRelayedAt;
  let location = content.location;
  if (original.location?.livePeriod && location) {
    const stopped = !location.livePeriod;
    location = { ...location, livePeriod: original.location.livePeriod };
    if (stopped) location.stopped = true;
    const now = Date.now();
    const windowMs = deps.pacer.scaled(LIVE_MOVE_WINDOW_SEC);
    relay = stopped || original.liveRelayedAt === undefined ||
      now - original.liveRelayedAt >= windowMs;
    if (relay) liveRelayedAt = now;
  }
  const res = await changeTicket(
    deps.kv,
    ref.ticket,
    at,
    (_t, next) => {
      const updated: MessageRecord = { ...original, editedAt: at };
      if (content.text !== undefined) updated.text = content.text;
      else delete updated.text;
      if (content.entities) updated.entities = content.entities;
      else delete updated.entities;
      if (media) {
        updated.kind = content.kind;
        updated.fileId = content.fileId;
        updated.fileUniqueId = content.fileUniqueId;
        if (content.fileName) updated.fileName = content.fileName;
        else delete updated.fileName;
      }
      if (location) updated.location = location;
      if (liveRelayedAt !== undefined) updated.liveRelayedAt = liveRelayedAt;
      return {
        messages: [updated],
        jobs: lane && relay
          ? [{
            ticket: ref.ticket,
            lane,
            seq: next(),
            createdAt: at,
            attempts: 0,
            notBefore: 0,
            action: { type: "edit", msgSeq: original.seq, ...(media ? { media } : {}) },
          }]
          : [],
        result: undefined,
      };
    },
    [{ bot: "client", updateId }],
  );
  if (res.ok && lane && relay) deps.outbox.kick(ref.ticket, lane);
  return true;
}

/**
 * A manager asked to delete their comment's copy at the client. Only the author may.
 * Returns what happened, for the caller to tell the manager.
 */
export async function deleteForClient(
  deps: Helpdesk,
  groupId: number,
  commentId: number,
  managerId: number,
  updateId: number,
): Promise<"queued" | "not_found" | "not_author"> {
  const ref = await findMessageRef(deps.kv, groupId, commentId);
  if (!ref || ref.seq === 0) return "not_found";
  const m = await getMessage(deps.kv, ref.ticket, ref.seq);
  if (!m || m.direction !== "out" || m.source.messageId !== commentId) return "not_found";
  if (m.senderId !== managerId) return "not_author";
  const at = deps.clock.now();
  const res = await changeTicket(deps.kv, ref.ticket, at, (_t, next) => ({
    messages: [{ ...m, deletedAt: at }],
    jobs: [{
      ticket: ref.ticket,
      lane: "client",
      seq: next(),
      createdAt: at,
      attempts: 0,
      notBefore: 0,
      action: { type: "delete", msgSeq: m.seq },
    }],
    result: undefined,
  }), [{ bot: "client", updateId }]);
  if (res.ok) deps.outbox.kick(ref.ticket, "client");
  return "queued";
}
