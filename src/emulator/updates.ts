/**
 * Per-bot update queue with Telegram's delivery semantics: getUpdates long polling (offset
 * confirms, timeout waits, a newer poller terminates the older with 409) or webhook
 * delivery (per chat/user queues in order, queues in parallel up to max_connections,
 * each redelivered with backoff on failure; see WebhookActor.cpp).
 *
 * It stays one file over 400 lines (by a few): it is one delivery state machine per bot, getUpdates
 * and webhook delivery being two ends of the same queue, with the timers they share.
 */
import { ApiError, E } from "./errors.ts";
import { Clock, DEFAULT_EXCLUDED_UPDATES } from "./rules.ts";

/** An update as delivered: update_id plus one payload field. */
export type Update = { update_id: number } & Record<string, unknown>;

/** Telegram seconds a webhook request may take before it counts as failed. */
const REQUEST_TIMEOUT_SEC = 60;
/** Longest backoff between two attempts of one update, Telegram seconds. */
const MAX_RESEND_SEC = 60;

/** A timer handle. */
export type TimerId = ReturnType<typeof setTimeout>;

/** Tracks timers so close() can clear them all (Deno's test sanitizers). */
export class Timers {
  private set = new Set<TimerId>();
  closed = false;
  /** setTimeout that is forgotten when it fires and cleared on clear(). */
  after(ms: number, fn: () => void): TimerId {
    const id = setTimeout(() => {
      this.set.delete(id);
      fn();
    }, Math.max(0, ms));
    this.set.add(id);
    return id;
  }
  cancel(id: TimerId | undefined): void {
    if (id === undefined) return;
    clearTimeout(id);
    this.set.delete(id);
  }
  /** Resolves after ms unless cleared first (then never; callers check `closed`). */
  sleep(ms: number): Promise<void> {
    return new Promise((r) => this.after(ms, r));
  }
  clear(): void {
    this.closed = true;
    for (const id of this.set) clearTimeout(id);
    this.set.clear();
  }
}

interface Poller {
  resolve: (u: Update[]) => void;
  reject: (e: ApiError) => void;
  limit: number;
  timer?: TimerId;
}

/** Webhook settings and delivery state. */
export interface WebhookState {
  url: string;
  secretToken?: string;
  maxConnections: number;
  lastErrorDate?: number;
  lastErrorMessage?: string;
  /** consecutive failures, for backoff */
  failures: number;
}

/** Executes a method found in a webhook reply (Telegram allows answering with a call). */
export type WebhookReplyHandler = (body: Record<string, unknown>) => void;

/** Update queue of one bot. */
export class BotUpdates {
  private queue: Update[] = [];
  private nextId = 1;
  private poller?: Poller;
  /** undefined = default set (everything but chat_member & reactions) */
  allowed?: Set<string>;
  webhook?: WebhookState;
  private wakeScheduled = false;
  /** performance.now() when each queued update was stored (its lifetime counts from it) */
  private born = new WeakMap<Update, number>();

  constructor(
    private clock: Clock,
    private timers: Timers,
    private unixNow: () => number,
    private onWebhookReply?: WebhookReplyHandler,
  ) {}

  /** Whether an update of this type is stored for the bot under its allowed_updates. */
  accepts(type: string): boolean {
    return this.allowed ? this.allowed.has(type) : !DEFAULT_EXCLUDED_UPDATES.has(type);
  }

  /** Queues an update (if allowed) and wakes the poller or webhook delivery. */
  push(type: string, payload: unknown): void {
    if (!this.accepts(type)) return;
    const u: Update = { update_id: this.nextId++, [type]: payload };
    this.born.set(u, performance.now());
    this.queue.push(u);
    if (this.webhook) this.deliver();
    else if (this.poller && !this.wakeScheduled) {
      // Why: batch updates queued in the same tick (e.g. an album) into one answer.
      this.wakeScheduled = true;
      queueMicrotask(() => {
        this.wakeScheduled = false;
        const p = this.poller;
        if (p && this.queue.length > 0) {
          this.poller = undefined;
          this.timers.cancel(p.timer);
          p.resolve(this.queue.slice(0, p.limit));
        }
      });
    }
  }

  /** Whether a getUpdates call is waiting for updates right now. */
  get polling(): boolean {
    return this.poller !== undefined;
  }

  /** Number of updates not yet confirmed. */
  get pending(): number {
    if (!this.webhook) this.dropExpired();
    return this.queue.length;
  }

  /** Drops every queued update. */
  dropPending(): void {
    this.queue.length = 0;
  }

  setAllowed(list: unknown): void {
    if (!Array.isArray(list)) return;
    this.allowed = list.length === 0 ? undefined : new Set(list.map(String));
  }

  /** getUpdates. */
  poll(
    offset: number | undefined,
    limit: number,
    timeoutSec: number,
    signal?: AbortSignal,
  ): Promise<Update[]> {
    if (this.webhook) throw new ApiError(409, E.conflictWebhook);
    if (offset !== undefined && offset !== 0) {
      if (offset < 0) this.queue = this.queue.slice(Math.max(0, this.queue.length + offset));
      else {
        let i = 0;
        while (i < this.queue.length && this.queue[i]!.update_id < offset) i++;
        if (i > 0) this.queue.splice(0, i);
      }
    }
    const old = this.poller;
    if (old) {
      this.poller = undefined;
      this.timers.cancel(old.timer);
      old.reject(new ApiError(409, E.conflictPoll));
    }
    this.dropExpired();
    limit = Math.min(100, Math.max(1, limit || 100));
    if (this.queue.length > 0 || timeoutSec <= 0 || this.timers.closed) {
      return Promise.resolve(this.queue.slice(0, limit));
    }
    return new Promise<Update[]>((resolve, reject) => {
      const p: Poller = { resolve, reject, limit };
      p.timer = this.timers.after(this.clock.realMs(timeoutSec), () => {
        if (this.poller === p) this.poller = undefined;
        resolve([]);
      });
      this.poller = p;
      // Why: a client that gave up must not keep a timer (or the 409 slot) alive.
      signal?.addEventListener("abort", () => {
        if (this.poller !== p) return;
        this.poller = undefined;
        this.timers.cancel(p.timer);
        resolve([]);
      }, { once: true });
    });
  }

  /**
   * Drops updates nobody fetched within their lifetime (Client.cpp add_update: a message
   * lives message_date + 86400 - now seconds in the queue, a callback query 150, ...).
   */
  private dropExpired(): void {
    const now = performance.now();
    this.queue = this.queue.filter((u) =>
      now - (this.born.get(u) ?? now) < this.clock.realMs(BotUpdates.lifetimeSec(u))
    );
  }

  /** Ends a pending poll with no updates (used on close). */
  release(): void {
    const p = this.poller;
    if (!p) return;
    this.poller = undefined;
    this.timers.cancel(p.timer);
    p.resolve([]);
  }

  /** Whether the webhook in force is `w` (URL, secret token and connections alike). */
  hasWebhook(w: Omit<WebhookState, "failures">): boolean {
    const now = this.webhook;
    if (!now) return false;
    const max = Math.min(100, Math.max(1, Math.floor(w.maxConnections) || 40));
    return now.url === w.url && now.secretToken === w.secretToken && now.maxConnections === max;
  }

  /** setWebhook. */
  setWebhook(w: Omit<WebhookState, "failures">, dropPending: boolean): void {
    if (dropPending) this.dropPending();
    this.release();
    this.abortAll();
    // Why: the server clamps max_connections to 1..100 (Client.cpp get_webhook_max_connections).
    const maxConnections = Math.min(100, Math.max(1, Math.floor(w.maxConnections) || 40));
    this.webhook = { ...w, maxConnections, failures: 0 };
    this.deliver();
  }

  /** deleteWebhook. */
  deleteWebhook(dropPending: boolean): void {
    if (dropPending) this.dropPending();
    this.webhook = undefined;
    this.abortAll();
  }

  /** Stops webhook delivery for good (close). */
  stop(): void {
    this.abortAll();
    this.release();
  }

  /**
   * Webhook queue of an update, as the Bot API server assigns it (Client.cpp add_update calls,
   * consumed by WebhookActor.cpp): messages and posts, new or edited, by chat; the other kinds by
   * chat or user in a namespace of their own (a user's callback queries never wait for the user's
   * messages); anything else gets a queue of its own (no ordering).
   */
  private static queueId(u: Update): string {
    for (const [type, v] of Object.entries(u)) {
      if (type === "update_id" || !v || typeof v !== "object") continue;
      const o = v as Record<string, Record<string, unknown> | undefined>;
      const chat = o.chat?.id;
      const from = o.from?.id ?? o.user?.id;
      switch (type) {
        case "message":
        case "edited_message":
        case "channel_post":
        case "edited_channel_post":
          return `chat:${chat}`;
        case "inline_query":
          return `inline:${from}`;
        case "chosen_inline_result":
          return `chosen:${from}`;
        case "callback_query":
          return `callback:${from}`;
        case "shipping_query":
        case "pre_checkout_query":
          return `payment:${from}`;
        case "my_chat_member":
          return `my_member:${chat}`;
        case "chat_member": {
          // Why: the server queues chat_member by the member, sharing the join requests' queue.
          const member = o.old_chat_member?.user as { id?: unknown } | undefined;
          return `member:${member?.id ?? from}`;
        }
        case "chat_join_request":
          return `member:${from}`;
        case "chat_boost":
        case "removed_chat_boost":
          return `boost:${chat}`;
        case "message_reaction":
          return `reaction:${chat}`;
        case "message_reaction_count":
          return `reaction_count:${chat}`;
        case "poll":
          return `poll:${(v as { id?: unknown }).id}`;
        case "poll_answer":
          return `poll:${(v as { poll_id?: unknown }).poll_id}`;
      }
    }
    return `own:${u.update_id}`;
  }

  /** Lifetime in Telegram seconds of an undelivered update (Client.cpp add_update timeouts). */
  private static lifetimeSec(u: Update): number {
    if ("callback_query" in u || "shipping_query" in u || "pre_checkout_query" in u) return 150;
    if ("inline_query" in u) return 30;
    if ("chosen_inline_result" in u) return 600;
    return 86400;
  }

  /** queue ids with a request in flight or waiting for a retry */
  private busy = new Set<string>();
  /** per undelivered update: consecutive failures and expiry (performance.now() ms) */
  private retry = new Map<number, { failures: number; expiresAt: number }>();
  private inflight = 0;
  /** bumped when delivery restarts (setWebhook, deleteWebhook, close): late answers are stale */
  private generation = 0;
  private aborts = new Set<AbortController>();

  /**
   * Starts a request for the first update of every idle queue, oldest first, while fewer than
   * max_connections requests are in flight (WebhookActor.cpp: one update per queue at a time,
   * the next only after the previous one's answer).
   */
  private deliver(): void {
    const wh = this.webhook;
    if (!wh || this.timers.closed) return;
    const seen = new Set<string>();
    for (const update of this.queue) {
      if (this.inflight >= wh.maxConnections) return;
      const qid = BotUpdates.queueId(update);
      if (seen.has(qid)) continue;
      seen.add(qid);
      if (this.busy.has(qid)) continue;
      this.busy.add(qid);
      this.inflight++;
      void this.send(wh, update, qid);
    }
  }

  private async send(wh: WebhookState, update: Update, qid: string): Promise<void> {
    const gen = this.generation;
    const abort = new AbortController();
    this.aborts.add(abort);
    // Why: the server gives a webhook request 60 seconds (WebhookActor.cpp connection timeout).
    let timedOut = false;
    const timer = this.timers.after(this.clock.realMs(REQUEST_TIMEOUT_SEC), () => {
      timedOut = true;
      abort.abort();
    });
    let error: string | undefined;
    try {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (wh.secretToken) headers["X-Telegram-Bot-Api-Secret-Token"] = wh.secretToken;
      const res = await fetch(wh.url, {
        method: "POST",
        headers,
        body: JSON.stringify(update),
        signal: abort.signal,
      });
      const text = await res.text();
      if (res.ok) {
        if (text && this.onWebhookReply && gen === this.generation) {
          try {
            const body = JSON.parse(text);
            if (body && typeof body === "object" && typeof body.method === "string") {
              this.onWebhookReply(body);
            }
          } catch { /* not a method call: ignored like Telegram */ }
        }
      } else error = `Wrong response from the webhook: ${res.status} ${res.statusText}`;
    } catch (e) {
      error = timedOut
        ? "Read timeout expired"
        : `Connection failed: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      this.timers.cancel(timer);
      this.aborts.delete(abort);
      if (gen === this.generation) this.inflight--;
    }
    if (gen !== this.generation || this.webhook !== wh || this.timers.closed) return;
    if (error === undefined) {
      this.forget(update);
      wh.failures = 0;
      this.busy.delete(qid);
      this.deliver();
      return;
    }
    wh.lastErrorDate = this.unixNow();
    wh.lastErrorMessage = error;
    wh.failures++;
    const now = performance.now();
    let r = this.retry.get(update.update_id);
    if (!r) {
      r = { failures: 0, expiresAt: now + this.clock.realMs(BotUpdates.lifetimeSec(update)) };
      this.retry.set(update.update_id, r);
    }
    r.failures++;
    // Backoff 1, 2, 4 ... 60 Telegram seconds, scaled, per queue; other queues go on.
    const backoff = this.clock.realMs(Math.min(MAX_RESEND_SEC, 2 ** (r.failures - 1)));
    if (now + backoff > r.expiresAt) {
      // Why: WebhookActor.cpp drops an update whose next attempt would come after it expires.
      this.forget(update);
      this.busy.delete(qid);
    } else {
      this.timers.after(backoff, () => {
        if (gen !== this.generation) return;
        this.busy.delete(qid);
        this.deliver();
      });
    }
    this.deliver();
  }

  /** Removes a delivered (or dropped) update from the queue. */
  private forget(update: Update): void {
    const i = this.queue.indexOf(update);
    if (i >= 0) this.queue.splice(i, 1);
    this.retry.delete(update.update_id);
  }

  /** Aborts every webhook request in flight and forgets per-queue state. */
  private abortAll(): void {
    this.generation++;
    this.inflight = 0;
    for (const a of this.aborts) a.abort();
    this.aborts.clear();
    this.busy.clear();
    this.retry.clear();
  }
}
