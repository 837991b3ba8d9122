/**
 * The outbox's failure policy: how Telegram's answers are classified, what each failure means
 * for a job (retry after a wait, give up, hold the lane), the retry ceiling of
 * {@linkcode OUTBOX_LIMITS} (attempts or age) and the quarantine of what cannot be delivered,
 * with the people concerned told once. Failed attempts are counted in the job in KV (a
 * restart does not reset the ceiling) and logged once per job and reason.
 *
 * @module
 */
import { GrammyError, HttpError } from "grammy";
import type { Lane, MessageRecord, MsgAddr, OutboxJob } from "../domain/records.ts";
import type { Settings } from "../domain/settings.ts";
import type { Ticket } from "../domain/ticket.ts";
import type { Client } from "../domain/records.ts";
import type { Api } from "grammy";
import { redact } from "../log.ts";
import { completeJobBatched, saveAttempt } from "../storage/outbox.ts";
import { getMessage } from "../storage/tickets.ts";
import type { Notifier, OutboxLimits, ServiceDeps } from "./deps.ts";

/** What delivering a job came to. */
export type Outcome =
  | {
    kind: "done";
    copies: Array<{ seq: number; copy: MsgAddr }>;
    headerId?: number;
    /** The records of `copies` as read for the sending (see `Completion.read`). */
    read?: Deno.KvEntryMaybe<MessageRecord>[];
  }
  | { kind: "failed"; seqs: number[]; reason: string }
  /** Try again after `ms`; `counted`: the attempt counts towards the attempt ceiling. */
  | { kind: "retry"; ms: number; reason: string; counted: boolean }
  | { kind: "hold" };

/** What a lane's job is delivered with: the ticket, its client, the settings, the bot. */
export interface LaneContext {
  ticket: Ticket;
  client: Client | null;
  settings: Settings;
  /** The discussion group of the ticket's desk (`deskChats`): where its thread is. */
  groupId: number | null;
  /** The client bot's API. */
  api: Api;
  /** The manager bot's (the second writer of text comments), when it runs. */
  managerApi: Api | null;
  /**
   * Message records by seq as a change of this process just committed them (see
   * `LaneHint`): the senders use them as read.
   */
  known?: ReadonlyMap<number, Deno.KvEntry<MessageRecord>>;
}

/** Telegram's failure, classified for retrying. */
export type Failure =
  | { type: "rate"; retryAfter: number }
  | { type: "blocked"; description: string }
  /** 401: the bot's token was revoked (a rotation under way); nothing of this bot goes out. */
  | { type: "unauthorized" }
  | { type: "bad"; description: string }
  | { type: "transient"; description: string };

/** Classifies an error thrown by a Bot API call. */
export function classify(e: unknown): Failure {
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

/** The messages a job delivers (marked failed when it is set aside). */
export function seqsOf(job: OutboxJob): number[] {
  const a = job.action;
  if (a.type === "album") return a.msgSeqs;
  if (a.type === "copy" || a.type === "edit" || a.type === "delete" || a.type === "mirror") {
    return [a.msgSeq];
  }
  return [];
}

/** What identifies a job in the log. */
export function jobFields(j: OutboxJob): Record<string, unknown> {
  return {
    ticket: j.ticket,
    lane: j.lane,
    seq: j.seq,
    type: String((j.action as { type?: unknown }).type),
  };
}

/** How many distinct failure reasons a job remembers having logged. */
const MAX_LOGGED_REASONS = 16;

/** What the failure policy needs of the outbox it serves. */
export interface FailureHost {
  enqueue(ticket: number, jobs: Array<{ lane: Lane; action: OutboxJob["action"] }>): Promise<void>;
  markUnreachable(clientId: number, unreachable: boolean): Promise<void>;
}

/** Decides what a failed delivery means and records it. */
export class FailurePolicy {
  readonly #deps: ServiceDeps;
  readonly #limits: OutboxLimits;
  readonly #notifier: () => Notifier | undefined;
  readonly #host: FailureHost;

  constructor(
    deps: ServiceDeps,
    limits: OutboxLimits,
    notifier: () => Notifier | undefined,
    host: FailureHost,
  ) {
    this.#deps = deps;
    this.#limits = limits;
    this.#notifier = notifier;
    this.#host = host;
  }

  /** What a job's failed attempt means. */
  async outcome(
    e: unknown,
    job: OutboxJob,
    ctx: LaneContext,
    bot: "client" | "manager" = "client",
  ): Promise<Outcome> {
    const f = classify(e);
    const failures = job.attempts;
    const { pacer } = this.#deps;
    const chatId = job.lane === "group" ? ctx.groupId! : ctx.ticket.clientId;
    switch (f.type) {
      case "rate":
        // Telegram's pacing, not the job's fault: counts towards the age ceiling only
        return {
          kind: "retry",
          ms: pacer.backOff(bot, chatId, f.retryAfter),
          reason: "Too Many Requests",
          counted: false,
        };
      case "blocked":
        if (job.lane === "client") {
          await this.#host.markUnreachable(ctx.ticket.clientId, true);
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

  /** A job Telegram refused for good: set aside with its reason. */
  async failed(job: Deno.KvEntry<OutboxJob>, seqs: number[], reason: string): Promise<void> {
    const j = job.value;
    await this.#setAside(job, {
      reason: redact(reason),
      attempts: j.attempts + 1,
      firstFailedAt: j.firstFailedAt ?? null,
      seqs,
      ceiling: false,
    });
  }

  /**
   * Counts a failed attempt in the job (logging its reason the first time it is seen for the
   * job); past the ceiling sets the job aside. Returns true when it was set aside.
   */
  async attempt(
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
    // a manager's answer from the manager bot that could not be put in the thread: a text
    // went to the client by itself (its delivery stays as the client lane makes it), media
    // would have been copied from the thread, so they never reach the client
    const answer = j.action.type === "mirror"
      ? await getMessage(kv, j.ticket, j.action.msgSeq)
      : null;
    const seqs = answer?.kind === "text" ? [] : f.seqs;
    await completeJobBatched(kv, {
      job,
      copies: [],
      failed: seqs.map((seq) => ({ seq, reason: f.reason })),
      quarantine: {
        job: j,
        reason: f.reason,
        attempts: f.attempts,
        firstFailedAt: f.firstFailedAt,
        quarantinedAt: clock.now(),
      },
    });
    if (j.lane === "client") {
      await this.#host.enqueue(j.ticket, [{
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
      await this.#host.enqueue(j.ticket, [{
        lane: "client",
        action: { type: "notice", key: "client_undelivered", params: {} },
      }]);
      // Why: a message Telegram refuses for good (e.g. paid media or an invoice can't be
      // copied) must not vanish from the thread unnoticed: the managers see it and why.
      if (f.reason.startsWith("Bad Request")) {
        await this.#host.enqueue(j.ticket, [{
          lane: "group",
          action: { type: "notice", key: "thread_not_copied", params: { reason: f.reason } },
        }]);
      }
    }
    // a manager's answer from the manager bot: they are told there, since the thread is not
    // where they wrote it and may be what fails
    this.#notifier()?.notify({
      type: "undeliverable",
      ticket: j.ticket,
      lane: j.lane,
      reason: f.reason,
      ...(answer ? { answerBy: answer.senderId, reachedClient: answer.kind === "text" } : {}),
    });
  }
}
