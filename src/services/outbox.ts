/**
 * The delivery worker. Jobs wait in KV (see `storage/outbox.ts`); each lane of each ticket is
 * delivered in order by one runner; every send is paced; failures are retried honouring
 * `retry_after` with backoff until delivered or definitively undeliverable. A job that cannot
 * be delivered (a permanent error, an unknown type, or past the retry ceiling of
 * {@linkcode OUTBOX_LIMITS}: attempts or age) is moved out of its lane into the quarantine with
 * its reason, so the lane's later jobs go on, and the people concerned are told once.
 * Failed attempts are counted in the job in KV (a restart does not reset the ceiling) and
 * logged once per job and reason.
 *
 * @module
 */
import { type Api, GrammyError, HttpError } from "grammy";
import type {
  InputMediaAudio,
  InputMediaDocument,
  InputMediaPhoto,
  InputMediaVideo,
  Message,
} from "grammy/types";
import type { Client, Lane, MessageRecord, MsgAddr, OutboxJob } from "../domain/records.ts";
import { type Settings, topicLabel } from "../domain/settings.ts";
import type { Ticket } from "../domain/ticket.ts";
import { t, type TextKey } from "../i18n/mod.ts";
import {
  busyLanes,
  clearPostDirty,
  completeJobBatched,
  dirtyPosts,
  headJob,
  markPostDirty,
  postDirtyEntry,
  saveAttempt,
} from "../storage/outbox.ts";
import { redact } from "../log.ts";
import { getClient, getManager, patchClient } from "../storage/people.ts";
import { getSettings } from "../storage/settings.ts";
import { repostTicket } from "../storage/relocate.ts";
import { slaReached } from "../storage/sla.ts";
import {
  changeTicket,
  getMessage,
  getTicket,
  getTicketAndClient,
  notePostAttempt,
  setPostId,
  ticketsByClient,
} from "../storage/tickets.ts";
import { clientButton } from "./callback_data.ts";
import { type Notifier, OUTBOX_LIMITS, type OutboxLimits, type ServiceDeps } from "./deps.ts";
import { withPrefix } from "./message_content.ts";
import { renderDuplicatePost, renderPost } from "./post.ts";
import { threadLink } from "./desk/format.ts";
import { LeaseHolder } from "./leases.ts";

type Outcome =
  | { kind: "done"; copies: Array<{ seq: number; copy: MsgAddr }>; headerId?: number }
  | { kind: "failed"; seqs: number[]; reason: string }
  /** Try again after `ms`; `counted`: the attempt counts towards the attempt ceiling. */
  | { kind: "retry"; ms: number; reason: string; counted: boolean }
  | { kind: "hold" };

interface LaneContext {
  ticket: Ticket;
  client: Client | null;
  settings: Settings;
  api: Api;
}

type InputMedia = InputMediaPhoto | InputMediaVideo | InputMediaDocument | InputMediaAudio;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * How long (Telegram seconds) a post whose send lost its answer waits for its automatic
 * forward before it is sent again; forwards normally follow within a second or two.
 */
const POST_ADOPT_WAIT_SEC = 60;

/** How many distinct failure reasons a job remembers having logged. */
const MAX_LOGGED_REASONS = 16;
/** Kinds whose media a copy can have replaced (editMessageMedia). */
const MEDIA_KINDS: ReadonlySet<string> = new Set([
  "photo",
  "video",
  "animation",
  "audio",
  "document",
]);

/** Telegram's failure, classified for retrying. */
type Failure =
  | { type: "rate"; retryAfter: number }
  | { type: "blocked"; description: string }
  /** 401: the bot's token was revoked (a rotation under way); nothing of this bot goes out. */
  | { type: "unauthorized" }
  | { type: "bad"; description: string }
  | { type: "transient"; description: string };

function classify(e: unknown): Failure {
  if (e instanceof GrammyError) {
    if (e.error_code === 429) return { type: "rate", retryAfter: e.parameters.retry_after ?? 1 };
    if (e.error_code === 403) return { type: "blocked", description: e.description };
    if (e.error_code === 401) return { type: "unauthorized" };
    if (e.error_code >= 500) return { type: "transient", description: e.description };
    return { type: "bad", description: e.description };
  }
  if (e instanceof HttpError) return { type: "transient", description: e.message };
  return { type: "transient", description: e instanceof Error ? e.message : String(e) };
}

/** The durable, paced, ordered delivery worker. */
export class Outbox {
  readonly #deps: ServiceDeps;
  readonly #running = new Map<string, Promise<void>>();
  /** Client of each ticket seen, so that a lane reads ticket and client at once. */
  readonly #clientOf = new Map<number, number>();
  readonly #again = new Set<string>();
  /** Lanes and posts another process works on: looked at again when its lease runs out. */
  readonly #later = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #leases: LeaseHolder | null;
  readonly #limits: OutboxLimits;
  readonly #notifier: () => Notifier | undefined;
  #stopped = false;

  /** `notifier`: who hears of messages given up on (the admins' alerts), read when needed. */
  constructor(deps: ServiceDeps, notifier: () => Notifier | undefined = () => undefined) {
    this.#deps = deps;
    this.#limits = { ...OUTBOX_LIMITS, ...deps.outboxLimits };
    this.#notifier = notifier;
    const leaseMs = this.#limits.leaseMs;
    this.#leases = leaseMs === null ? null : new LeaseHolder(deps.kv, leaseMs, deps.log);
  }

  /** Makes sure a runner delivers the lane's jobs. */
  kick(ticket: number, lane: Lane): void {
    this.#run(
      `${ticket}:${lane}`,
      () => this.kick(ticket, lane),
      (key) => this.#runLane(ticket, lane, key),
      async () => (await headJob(this.#deps.kv, ticket, lane)) !== null,
    );
  }

  /** Makes sure the ticket's post gets (re)rendered. */
  kickPost(ticket: number): void {
    this.#run(
      `${ticket}:post`,
      () => this.kickPost(ticket),
      () => this.#runPost(ticket, `${ticket}:post`),
      async () => (await postDirtyEntry(this.#deps.kv, ticket)).versionstamp !== null,
    );
  }

  /**
   * Runs `fn` for `key` unless it runs already: here (then once more after it), or in another
   * process sharing the KV (its lease; then `kick` again when that runs out). `fn` resolves to
   * true when it left no work behind; what another process added meanwhile (it saw our lease)
   * is found by `pending` after the lease is given up.
   */
  #run(
    key: string,
    kick: () => void,
    fn: (key: string) => Promise<boolean>,
    pending: () => Promise<boolean>,
  ): void {
    if (this.#stopped) return;
    if (this.#running.has(key)) {
      this.#again.add(key);
      return;
    }
    const p = (async () => {
      do {
        this.#again.delete(key);
        try {
          const leases = this.#leases;
          if (!leases) {
            await fn(key);
            continue;
          }
          const lease = await leases.take(key);
          if (!lease.ok) {
            this.#retryLater(key, kick, lease.retryInMs);
            return;
          }
          let drained = false;
          try {
            drained = await fn(key);
          } finally {
            await leases.release(key);
          }
          if (drained && !this.#stopped && await pending()) this.#again.add(key);
        } catch (e) {
          this.#deps.log.error("outbox runner failed", { key, err: e });
        }
      } while (this.#again.has(key) && !this.#stopped);
    })().finally(() => this.#running.delete(key));
    this.#running.set(key, p);
  }

  /** Whether this process may go on with `key` (always, when it takes no leases). */
  #holds(key: string): boolean {
    return this.#leases?.holds(key) ?? true;
  }

  /** Looks at `key` again once another process's lease on it ran out (it may have died). */
  #retryLater(key: string, kick: () => void, ms: number): void {
    if (this.#later.has(key) || this.#stopped) return;
    this.#later.set(
      key,
      setTimeout(() => {
        this.#later.delete(key);
        kick();
      }, ms),
    );
  }

  /** Marks a ticket's post for re-rendering and renders it. */
  async markPost(ticket: number): Promise<void> {
    await markPostDirty(this.#deps.kv, ticket, this.#deps.clock.now());
    this.kickPost(ticket);
  }

  /** Picks up everything left in KV (after a restart, or from a cron run). */
  async resume(): Promise<void> {
    for (const [ticket, lane] of await busyLanes(this.#deps.kv)) this.kick(ticket, lane);
    for (const ticket of await dirtyPosts(this.#deps.kv)) this.kickPost(ticket);
  }

  /** Resolves when no runner is busy. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running.values()]);
  }

  /** Stops taking new work and waits for the runners in hand. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const t of this.#later.values()) clearTimeout(t);
    this.#later.clear();
    await this.idle();
  }

  /** Adds jobs to a ticket's lanes (allocating their order) and starts delivering them. */
  async enqueue(
    ticket: number,
    jobs: Array<{ lane: Lane; action: OutboxJob["action"] }>,
  ): Promise<void> {
    const at = this.#deps.clock.now();
    await changeTicket(this.#deps.kv, ticket, at, (_t, next) => ({
      jobs: jobs.map((j) => ({
        ticket,
        lane: j.lane,
        seq: next(),
        createdAt: at,
        attempts: 0,
        notBefore: 0,
        action: j.action,
      })),
      result: undefined,
    }));
    for (const lane of new Set(jobs.map((j) => j.lane))) this.kick(ticket, lane);
  }

  /** Delivers a lane's jobs in order while this process holds its lease; true once empty. */
  async #runLane(ticket: number, lane: Lane, key: string): Promise<boolean> {
    const { kv } = this.#deps;
    while (!this.#stopped && this.#holds(key)) {
      const job = await headJob(kv, ticket, lane);
      if (!job) return true;
      const ctx = await this.#context(ticket, lane);
      if (!ctx) return false;
      let outcome: Outcome;
      try {
        outcome = await this.#execute(job.value, ctx);
      } catch (e) {
        outcome = await this.#onFailure(e, job.value, ctx);
      }
      switch (outcome.kind) {
        case "done":
          await completeJobBatched(kv, {
            job,
            copies: outcome.copies,
            ...(outcome.headerId !== undefined ? { headerId: outcome.headerId } : {}),
          });
          break;
        case "failed": {
          const j = job.value;
          await this.#setAside(job, {
            reason: redact(outcome.reason),
            attempts: j.attempts + 1,
            firstFailedAt: j.firstFailedAt ?? null,
            seqs: outcome.seqs,
            ceiling: false,
          });
          break;
        }
        case "retry":
          if (!(await this.#failedAttempt(job, outcome.reason, outcome.counted))) {
            await sleep(outcome.ms);
          }
          break;
        case "hold":
          return false;
      }
    }
    return false;
  }

  /**
   * Counts a failed attempt in the job (logging its reason the first time it is seen for the
   * job); past the ceiling sets the job aside. Returns true when it was set aside.
   */
  async #failedAttempt(
    job: Deno.KvEntry<OutboxJob>,
    rawReason: string,
    counted: boolean,
  ): Promise<boolean> {
    const { kv, log, clock } = this.#deps;
    const j = job.value;
    const now = clock.now();
    const reason = redact(rawReason);
    const attempts = j.attempts + (counted ? 1 : 0);
    const firstFailedAt = j.firstFailedAt ?? now;
    const logged = j.loggedReasons ?? [];
    const fresh = !logged.includes(reason);
    if (fresh) {
      log.warn("Cannot deliver outbox job yet: retrying", {
        ...jobFields(j),
        reason,
        attempts,
      });
    }
    if (attempts >= this.#limits.maxAttempts || now - firstFailedAt >= this.#limits.maxAgeMs) {
      await this.#setAside(job, {
        reason,
        attempts,
        firstFailedAt,
        seqs: seqsOf(j),
        ceiling: true,
      });
      return true;
    }
    await saveAttempt(kv, job, {
      ...j,
      attempts,
      firstFailedAt,
      lastReason: reason,
      loggedReasons: fresh ? [...logged, reason].slice(-MAX_LOGGED_REASONS) : logged,
    });
    return false;
  }

  /**
   * Moves a job out of its lane into the quarantine (its messages marked failed), in one
   * atomic operation, and tells the people concerned: the thread when the client cannot get a
   * message; the client and the admins when a client's message cannot reach the thread.
   */
  async #setAside(
    job: Deno.KvEntry<OutboxJob>,
    f: {
      reason: string;
      attempts: number;
      firstFailedAt: number | null;
      seqs: number[];
      ceiling: boolean;
    },
  ): Promise<void> {
    const { kv, log, clock } = this.#deps;
    const j = job.value;
    log.warn("Cannot deliver outbox job: set aside as undeliverable", {
      ...jobFields(j),
      reason: f.reason,
      attempts: f.attempts,
    });
    await completeJobBatched(kv, {
      job,
      copies: [],
      failed: f.seqs.map((seq) => ({ seq, reason: f.reason })),
      quarantine: {
        job: j,
        reason: f.reason,
        attempts: f.attempts,
        firstFailedAt: f.firstFailedAt,
        quarantinedAt: clock.now(),
      },
    });
    if (j.lane === "client") {
      await this.enqueue(j.ticket, [{
        lane: "group",
        action: f.ceiling
          ? {
            type: "notice",
            key: "thread_undeliverable_after",
            params: { reason: f.reason, attempts: f.attempts },
          }
          : { type: "notice", key: "thread_undeliverable", params: { reason: f.reason } },
      }]);
      return;
    }
    // the group lane: a client's message (or a notice for the team) cannot reach the thread
    const type = (j.action as { type?: unknown }).type;
    if (type === "copy" || type === "album") {
      await this.enqueue(j.ticket, [{
        lane: "client",
        action: { type: "notice", key: "client_undelivered", params: {} },
      }]);
      // Why: a message Telegram refuses for good (e.g. paid media or an invoice can't be
      // copied) must not vanish from the thread unnoticed: the managers see it and why.
      if (f.reason.startsWith("Bad Request")) {
        await this.enqueue(j.ticket, [{
          lane: "group",
          action: { type: "notice", key: "thread_not_copied", params: { reason: f.reason } },
        }]);
      }
    }
    this.#notifier()?.notify({
      type: "undeliverable",
      ticket: j.ticket,
      lane: j.lane,
      reason: f.reason,
    });
  }

  async #context(ticket: number, lane: Lane): Promise<LaneContext | null> {
    const { kv } = this.#deps;
    const api = this.#deps.apis().client;
    if (!api) return null;
    const [{ ticket: t, client }, settings] = await Promise.all([
      getTicketAndClient(kv, ticket, this.#clientOf.get(ticket)),
      getSettings(kv),
    ]);
    if (!t) return null;
    if (this.#clientOf.size > 10_000) this.#clientOf.clear();
    this.#clientOf.set(ticket, t.clientId);
    if (lane === "group" && (t.threadId === null || settings.groupId === null)) return null;
    if (lane === "client" && client?.unreachable) return null;
    return { ticket: t, client, settings, api };
  }

  async #onFailure(e: unknown, job: OutboxJob, ctx: LaneContext): Promise<Outcome> {
    const f = classify(e);
    const failures = job.attempts;
    const { pacer } = this.#deps;
    const chatId = job.lane === "group" ? ctx.settings.groupId! : ctx.ticket.clientId;
    switch (f.type) {
      case "rate":
        pacer.backOff("client", chatId, f.retryAfter);
        // Telegram's pacing, not the job's fault: counts towards the age ceiling only
        return {
          kind: "retry",
          ms: pacer.scaled(f.retryAfter),
          reason: "Too Many Requests",
          counted: false,
        };
      case "blocked":
        if (job.lane === "client") {
          await this.markUnreachable(ctx.ticket.clientId, true);
          return { kind: "hold" };
        }
        return {
          kind: "retry",
          ms: pacer.scaled(Math.min(300, 5 * 2 ** failures)),
          reason: `cannot write to the managers' group: ${f.description}`,
          counted: true,
        };
      case "unauthorized":
        // not the job's fault and not for good: it goes out once an admin pastes the new token
        // (this or another instance restarts the bot with it), so it waits uncounted
        return {
          kind: "retry",
          ms: pacer.scaled(10),
          reason: "Unauthorized: the bot's token was revoked; waiting for the new one",
          counted: false,
        };
      case "bad":
        if (/not modified/.test(f.description)) return { kind: "done", copies: [] };
        if (
          /message to (edit|delete) not found|message can't be (edited|deleted)/.test(f.description)
        ) {
          return { kind: "done", copies: [] };
        }
        return { kind: "failed", seqs: seqsOf(job), reason: f.description };
      case "transient":
        // capped at 5 min: the default 20 attempts span about an hour of outage
        return {
          kind: "retry",
          ms: pacer.scaled(Math.min(300, 0.5 * 2 ** failures)),
          reason: f.description,
          counted: true,
        };
    }
  }

  /**
   * Marks a client (un)reachable. Going unreachable tells the threads of their open tickets;
   * coming back restarts delivery of what waited.
   */
  async markUnreachable(clientId: number, unreachable: boolean): Promise<void> {
    const { kv } = this.#deps;
    const before = await getClient(kv, clientId);
    if (!before || before.unreachable === unreachable) return;
    await patchClient(kv, clientId, () => ({ unreachable }));
    for (const tk of await ticketsByClient(kv, clientId)) {
      if (tk.status === "closed") continue;
      await this.enqueue(tk.number, [{
        lane: "group",
        action: {
          type: "notice",
          key: unreachable ? "thread_client_unreachable" : "thread_client_back",
          params: {},
        },
      }]);
      await this.markPost(tk.number);
      if (!unreachable) this.kick(tk.number, "client");
    }
  }

  async #execute(job: OutboxJob, ctx: LaneContext): Promise<Outcome> {
    const a = job.action;
    const n = ctx.ticket.number;
    switch (a.type) {
      case "copy": {
        const m = await getMessage(this.#deps.kv, n, a.msgSeq);
        if (!m || m.deletedAt) return { kind: "done", copies: [] };
        return job.lane === "group"
          ? await this.#copyToGroup(m, ctx)
          : await this.#copyToClient(m, ctx);
      }
      case "album": {
        const ms: MessageRecord[] = [];
        for (const s of a.msgSeqs) {
          const m = await getMessage(this.#deps.kv, n, s);
          if (m) ms.push(m);
        }
        return await this.#album(ms, job.lane, ctx);
      }
      case "notice":
        return await this.#notice(a.key as TextKey, a.params, a.buttons, job.lane, ctx);
      case "header": {
        const id = await this.#sendHeader(ctx);
        return { kind: "done", copies: [], headerId: id };
      }
      case "edit": {
        const m = await getMessage(this.#deps.kv, n, a.msgSeq);
        if (!m?.copy) return { kind: "done", copies: [] };
        try {
          await this.#edit(m, m.copy, job.lane, ctx, a.media === true);
        } catch (e) {
          const f = classify(e);
          // 429, 5xx and network errors are retried in lane order by the caller
          if (f.type !== "bad") throw e;
          if (/not modified/.test(f.description)) return { kind: "done", copies: [] };
          // the copy is gone or too old to edit: nothing to retry, but the team must know
          this.#deps.log.warn("edit not relayed", {
            ticket: n,
            lane: job.lane,
            reason: f.description,
          });
          await this.enqueue(n, [{
            lane: "group",
            action: { type: "notice", key: "thread_edit_failed", params: {} },
          }]);
        }
        return { kind: "done", copies: [] };
      }
      case "delete": {
        const m = await getMessage(this.#deps.kv, n, a.msgSeq);
        if (!m?.copy) return { kind: "done", copies: [] };
        let key: TextKey = "thread_deleted";
        try {
          await ctx.api.deleteMessage(m.copy.chatId, m.copy.messageId);
        } catch (e) {
          const f = classify(e);
          if (f.type !== "bad") throw e;
          key = "thread_delete_failed";
        }
        await this.enqueue(n, [{ lane: "group", action: { type: "notice", key, params: {} } }]);
        return { kind: "done", copies: [] };
      }
      default: {
        // written by a newer version, or corrupted: set aside with its reason, never at the
        // head of the lane for good (it used to spin there and block the ticket)
        const type = String((a as { type?: unknown }).type);
        return { kind: "failed", seqs: [], reason: `unknown job type "${type}"` };
      }
    }
  }

  /** Where a reply inside the ticket should point, on the given side. */
  async #replyTarget(m: MessageRecord, side: "group" | "client"): Promise<number | undefined> {
    if (m.replyToSeq === undefined) return undefined;
    const target = await getMessage(this.#deps.kv, m.ticket, m.replyToSeq);
    if (!target) return undefined;
    const fromClient = target.direction === "in";
    const addr = side === "group"
      ? (fromClient ? target.copy : target.source)
      : (fromClient ? target.source : target.copy);
    return addr?.messageId;
  }

  async #copyToGroup(m: MessageRecord, ctx: LaneContext): Promise<Outcome> {
    const groupId = ctx.settings.groupId!;
    const root = ctx.ticket.threadId!;
    const target = (await this.#replyTarget(m, "group")) ?? root;
    const send = (replyTo: number) =>
      m.location?.livePeriod
        ? this.#sendLive(ctx.api, groupId, m, { message_id: replyTo })
        : ctx.api.copyMessage(groupId, m.source.chatId, m.source.messageId, {
          reply_parameters: { message_id: replyTo },
        });
    let res: { message_id: number };
    try {
      res = await send(target);
    } catch (e) {
      const f = classify(e);
      if (f.type !== "bad" || target === root || !/replied/.test(f.description)) throw e;
      res = await send(root);
    }
    return {
      kind: "done",
      copies: [{ seq: m.seq, copy: { chatId: groupId, messageId: res.message_id } }],
    };
  }

  async #header(ctx: LaneContext): Promise<number> {
    return ctx.ticket.clientHeaderId ?? await this.#sendHeader(ctx);
  }

  async #sendHeader(ctx: LaneContext): Promise<number> {
    const lang = ctx.client?.lang ?? "ru";
    const sent = await ctx.api.sendMessage(
      ctx.ticket.clientId,
      // the number and topic the customer can reply to, and the promise that someone will answer
      `${
        t(lang, "ticket_header", {
          number: ctx.ticket.number,
          topic: topicLabel(ctx.settings, ctx.ticket.topic, lang),
        })
      }\n${t(lang, "ticket_created")}`,
    );
    await changeTicket(this.#deps.kv, ctx.ticket.number, this.#deps.clock.now(), (tk) => ({
      ticket: { ...tk, clientHeaderId: sent.message_id },
      result: undefined,
    }));
    ctx.ticket = { ...ctx.ticket, clientHeaderId: sent.message_id };
    return sent.message_id;
  }

  /**
   * The copy of a live location: a copy on Telegram is a static location (tdlib
   * MessageContent.cpp dup_message_content), so the bot shares a live location of its own at
   * the same position for the same period, which #edit then moves.
   */
  async #sendLive(
    api: Api,
    chatId: number,
    m: MessageRecord,
    reply: { message_id: number; allow_sending_without_reply?: boolean },
  ): Promise<{ message_id: number }> {
    const loc = m.location!;
    return await api.sendLocation(chatId, loc.latitude, loc.longitude, {
      ...(loc.stopped ? {} : { live_period: loc.livePeriod }),
      reply_parameters: reply,
    });
  }

  async #copyToClient(m: MessageRecord, ctx: LaneContext): Promise<Outcome> {
    const clientId = ctx.ticket.clientId;
    const prefix = t(ctx.client?.lang ?? "ru", "ticket_number_prefix", {
      number: ctx.ticket.number,
    });
    const withNumber = withPrefix(m.kind, m.text, m.entities, prefix);
    const replyTo = await this.#replyTarget(m, "client");
    const reply = replyTo !== undefined
      ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } }
      : {};
    let sent: { message_id: number };
    if (m.location?.livePeriod) {
      const header = replyTo ?? await this.#header(ctx);
      sent = await this.#sendLive(ctx.api, clientId, m, {
        message_id: header,
        allow_sending_without_reply: true,
      });
    } else if (withNumber && m.kind === "text") {
      sent = await ctx.api.sendMessage(clientId, withNumber.text, {
        entities: withNumber.entities,
        ...reply,
      });
    } else if (withNumber) {
      sent = await ctx.api.copyMessage(clientId, m.source.chatId, m.source.messageId, {
        caption: withNumber.text,
        caption_entities: withNumber.entities,
        ...reply,
      });
    } else {
      const header = replyTo ?? await this.#header(ctx);
      sent = await ctx.api.copyMessage(clientId, m.source.chatId, m.source.messageId, {
        reply_parameters: { message_id: header, allow_sending_without_reply: true },
      });
    }
    return {
      kind: "done",
      copies: [{ seq: m.seq, copy: { chatId: clientId, messageId: sent.message_id } }],
    };
  }

  async #album(ms: MessageRecord[], lane: Lane, ctx: LaneContext): Promise<Outcome> {
    if (ms.length === 0) return { kind: "done", copies: [] };
    const toGroup = lane === "group";
    const chatId = toGroup ? ctx.settings.groupId! : ctx.ticket.clientId;
    const prefix = t(ctx.client?.lang ?? "ru", "ticket_number_prefix", {
      number: ctx.ticket.number,
    });
    let replyTo: number | undefined = toGroup ? ctx.ticket.threadId! : undefined;
    const media: InputMedia[] = ms.map((m, i) => {
      let caption = m.text;
      let entities = m.entities as Message["caption_entities"];
      if (!toGroup && i === 0) {
        const p = withPrefix(m.kind, m.text, m.entities, prefix);
        if (p) {
          caption = p.text;
          entities = p.entities;
        } else replyTo = -1;
      }
      const type = m.kind === "photo" || m.kind === "video" || m.kind === "audio"
        ? m.kind
        : "document";
      return {
        type,
        media: m.fileId!,
        ...(caption ? { caption } : {}),
        ...(entities?.length ? { caption_entities: entities } : {}),
      } as InputMedia;
    });
    if (replyTo === -1) replyTo = await this.#header(ctx);
    const sent = await ctx.api.sendMediaGroup(chatId, media as InputMediaPhoto[], {
      ...(replyTo !== undefined ? { reply_parameters: { message_id: replyTo } } : {}),
    });
    return {
      kind: "done",
      copies: ms.map((m, i) => ({
        seq: m.seq,
        copy: { chatId, messageId: sent[i]?.message_id ?? sent[0]!.message_id },
      })),
    };
  }

  async #notice(
    key: TextKey,
    params: Record<string, string | number>,
    buttons: "rate" | undefined,
    lane: Lane,
    ctx: LaneContext,
  ): Promise<Outcome> {
    if (lane === "group") {
      await ctx.api.sendMessage(ctx.settings.groupId!, t(ctx.settings.teamLang, key, params), {
        reply_parameters: { message_id: ctx.ticket.threadId! },
      });
      return { kind: "done", copies: [] };
    }
    const lang = ctx.client?.lang ?? "ru";
    const n = ctx.ticket.number;
    await ctx.api.sendMessage(ctx.ticket.clientId, t(lang, key, params), {
      ...(buttons === "rate"
        ? {
          reply_markup: {
            inline_keyboard: [[1, 2, 3, 4, 5].map((score) => ({
              text: "★".repeat(score),
              callback_data: clientButton({ type: "rate", ticket: n, score }),
            }))],
          },
        }
        : {}),
    });
    return { kind: "done", copies: [] };
  }

  async #edit(
    m: MessageRecord,
    copy: MsgAddr,
    lane: Lane,
    ctx: LaneContext,
    media = false,
  ): Promise<void> {
    if (m.kind === "location") {
      // a static location can't be edited on Telegram; a live one's copy is the bot's own
      // live location (see #sendLive), moved here and stopped with the original
      const loc = m.location;
      if (!loc?.livePeriod) return;
      try {
        await ctx.api.editMessageLiveLocation(
          copy.chatId,
          copy.messageId,
          loc.latitude,
          loc.longitude,
        );
      } catch (e) {
        const f = classify(e);
        if (!loc.stopped || f.type !== "bad" || !/not modified/.test(f.description)) throw e;
      }
      if (loc.stopped) await ctx.api.stopMessageLiveLocation(copy.chatId, copy.messageId);
      return;
    }
    let text = m.text ?? "";
    let entities = m.entities as Message["entities"];
    if (lane === "client") {
      const prefix = t(ctx.client?.lang ?? "ru", "ticket_number_prefix", {
        number: ctx.ticket.number,
      });
      const p = withPrefix(m.kind, m.text, m.entities, prefix);
      if (p) {
        text = p.text;
        entities = p.entities;
      }
    }
    if (m.kind === "text") {
      await ctx.api.editMessageText(copy.chatId, copy.messageId, text, { entities });
    } else if (media && m.fileId && MEDIA_KINDS.has(m.kind)) {
      // the client bot received the new media, so its file_id is the client bot's own
      await ctx.api.editMessageMedia(copy.chatId, copy.messageId, {
        type: m.kind as "photo",
        media: m.fileId,
        ...(text ? { caption: text, caption_entities: entities } : {}),
      });
    } else {
      await ctx.api.editMessageCaption(copy.chatId, copy.messageId, {
        caption: text,
        caption_entities: entities,
      });
    }
  }

  /** Renders a ticket's post while this process holds its lease; true once it is clean. */
  async #runPost(n: number, key: string): Promise<boolean> {
    const { kv, pacer, log } = this.#deps;
    let failures = 0;
    while (!this.#stopped && this.#holds(key)) {
      const entry = await postDirtyEntry(kv, n);
      if (entry.versionstamp === null) return true;
      const api = this.#deps.apis().manager;
      const settings = await getSettings(kv);
      const ticket = await getTicket(kv, n);
      if (!api || settings.channelId === null || !ticket) return false;
      const [client, manager] = await Promise.all([
        getClient(kv, ticket.clientId),
        ticket.managerId !== null ? getManager(kv, ticket.managerId) : null,
      ]);
      const reached = ticket.status === "closed"
        ? []
        : await slaReached(kv, n, ticket.cycles.length - 1);
      const overdue = reached.filter((r) => r.endsWith("breach")).map((r) =>
        t(settings.teamLang, r === "reaction_breach" ? "sla_reaction" : "sla_close")
      );
      const { text, markup } = renderPost({ ticket, client, manager, settings, overdue });
      try {
        const channelId = settings.channelId;
        if (ticket.postId === null) {
          // durable before the send: if its answer is lost, the post's automatic forward is
          // recognised as this ticket's (see setThreadRoot) instead of being orphaned
          await notePostAttempt(kv, n, this.#deps.clock.now());
          const sent = await api.sendMessage(channelId, text, { reply_markup: markup });
          await setPostId(kv, n, sent.message_id, this.#deps.clock.now());
          this.kick(n, "group");
        } else {
          const postId = ticket.postId;
          await api.editMessageText(channelId, postId, text, { reply_markup: markup });
        }
        failures = 0;
      } catch (e) {
        const f = classify(e);
        if (e instanceof HttpError && ticket.postId === null && await this.#adopted(n)) {
          // the post was sent after all: its forward made it the ticket's post
          failures = 0;
          continue;
        }
        if (f.type === "rate") {
          pacer.backOff("manager", settings.channelId, f.retryAfter);
          await sleep(pacer.scaled(f.retryAfter));
          continue;
        }
        if (
          f.type === "bad" && ticket.postId !== null &&
          /message to edit not found/.test(f.description)
        ) {
          // someone deleted the post: the ticket is posted again, its new thread links the old
          log.warn("a ticket post was deleted: posting it again", { ticket: n });
          await repostTicket(kv, n, this.#deps.clock.now(), {
            postId: ticket.postId,
            noticeKey: "thread_post_deleted",
            link: threadLink(settings.groupId, ticket.threadId) ?? "—",
            closed: true,
          });
          failures = 0;
          continue;
        }
        if (!(f.type === "bad" && /not modified/.test(f.description))) {
          log.warn("cannot update the ticket post", {
            ticket: n,
            description: "description" in f ? f.description : "Unauthorized",
          });
          if (++failures > 8) return false;
          await sleep(pacer.scaled(Math.min(60, 0.5 * 2 ** failures)));
          continue;
        }
      }
      if (ticket.duplicates?.length) await this.#renderDuplicates(api, ticket, settings);
      if (await clearPostDirty(kv, entry)) return true;
    }
    return false;
  }

  /**
   * After a post's send lost its answer (timeout, connection reset): waits, within a bound,
   * for the automatic forward of the post, if it was sent, to record it as the ticket's post.
   * Telegram offers no other way to find it; reposting at once would make a second post.
   */
  async #adopted(n: number): Promise<boolean> {
    const { kv, pacer } = this.#deps;
    const end = performance.now() + pacer.scaled(POST_ADOPT_WAIT_SEC);
    while (!this.#stopped) {
      if ((await getTicket(kv, n))?.postId != null) return true;
      if (performance.now() >= end) return false;
      await sleep(Math.max(10, pacer.scaled(0.5)));
    }
    return false;
  }

  /** Marks a ticket's extra posts as duplicates pointing to its thread (best effort). */
  async #renderDuplicates(api: Api, ticket: Ticket, settings: Settings): Promise<void> {
    const text = renderDuplicatePost({
      ticket,
      settings,
      link: threadLink(settings.groupId, ticket.threadId),
    });
    for (const d of ticket.duplicates ?? []) {
      try {
        await api.editMessageText(settings.channelId!, d.postId, text, {
          reply_markup: { inline_keyboard: [] },
        });
      } catch (e) {
        const f = classify(e);
        if (f.type === "bad" && /not modified/.test(f.description)) continue;
        // only a label: its comments reach the client whatever it says
        this.#deps.log.warn("cannot mark a duplicate ticket post", {
          ticket: ticket.number,
          post: d.postId,
          err: e,
        });
      }
    }
  }
}

function seqsOf(job: OutboxJob): number[] {
  const a = job.action;
  if (a.type === "album") return a.msgSeqs;
  if (a.type === "copy" || a.type === "edit" || a.type === "delete") return [a.msgSeq];
  return [];
}

/** What identifies a job in the log. */
function jobFields(j: OutboxJob): Record<string, unknown> {
  return {
    ticket: j.ticket,
    lane: j.lane,
    seq: j.seq,
    type: String((j.action as { type?: unknown }).type),
  };
}
