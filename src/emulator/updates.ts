/**
 * Per-bot update queue with Telegram's delivery semantics: getUpdates long polling (offset
 * confirms, timeout waits, a newer poller terminates the older with 409) or webhook
 * delivery (per chat/user queues in order, queues in parallel up to max_connections,
 * each redelivered with backoff on failure; see WebhookActor.cpp).
 */
import { ApiError, E } from "./errors.ts";
import { Clock, DEFAULT_EXCLUDED_UPDATES } from "./rules.ts";

/** An update as delivered: update_id plus one payload field. */
export type Update = { update_id: number } & Record<string, unknown>;

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
    this.queue.push({ update_id: this.nextId++, [type]: payload });
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

  /** Ends a pending poll with no updates (used on close). */
  release(): void {
    const p = this.poller;
    if (!p) return;
    this.poller = undefined;
    this.timers.cancel(p.timer);
    p.resolve([]);
  }

  /** setWebhook. */
  setWebhook(w: Omit<WebhookState, "failures">, dropPending: boolean): void {
    if (dropPending) this.dropPending();
    this.release();
    this.abortAll();
    this.webhook = { ...w, failures: 0 };
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

  /** Queue id of an update (WebhookActor.cpp: chat id, else user id, else a queue of its own). */
  private static queueId(u: Update): string {
    for (const [k, v] of Object.entries(u)) {
      if (k === "update_id" || !v || typeof v !== "object") continue;
      const o = v as Record<string, { id?: unknown } | undefined>;
      const chat = o.chat?.id;
      if (chat !== undefined) return `c${chat}`;
      const user = o.from?.id ?? o.user?.id;
      if (user !== undefined) return `c${user}`;
    }
    return "none";
  }

  /** queue ids with a request in flight or waiting for a retry */
  private busy = new Set<string>();
  /** consecutive failures per queue id, for backoff */
  private failuresOf = new Map<string, number>();
  private inflight = 0;
  /** bumped when delivery restarts (setWebhook, deleteWebhook, close): late answers are stale */
  private generation = 0;
  private aborts = new Set<AbortController>();

  /** Starts a request for the first update of every idle queue, up to max_connections. */
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
        if (text && this.onWebhookReply && this.webhook === wh) {
          try {
            const body = JSON.parse(text);
            if (body && typeof body === "object" && typeof body.method === "string") {
              this.onWebhookReply(body);
            }
          } catch { /* not a method call: ignored like Telegram */ }
        }
      } else error = `Wrong response from the webhook: ${res.status} ${res.statusText}`;
    } catch (e) {
      error = abort.signal.aborted
        ? "aborted"
        : `Connection failed: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      this.aborts.delete(abort);
      if (gen === this.generation) this.inflight--;
    }
    if (gen !== this.generation || this.webhook !== wh || this.timers.closed) return;
    if (error === undefined) {
      const i = this.queue.indexOf(update);
      if (i >= 0) this.queue.splice(i, 1);
      this.failuresOf.delete(qid);
      wh.failures = 0;
      this.busy.delete(qid);
      this.deliver();
      return;
    }
    wh.lastErrorDate = this.unixNow();
    wh.lastErrorMessage = error;
    wh.failures++;
    const n = (this.failuresOf.get(qid) ?? 0) + 1;
    this.failuresOf.set(qid, n);
    // Backoff 1, 2, 4 ... 60 Telegram seconds, scaled, per queue; other queues go on.
    const backoff = Math.min(60, 2 ** (n - 1));
    this.timers.after(this.clock.realMs(backoff), () => {
      if (gen !== this.generation) return;
      this.busy.delete(qid);
      if (this.webhook === wh) this.deliver();
    });
    this.deliver();
  }

  /** Aborts every webhook request in flight and forgets per-queue state. */
  private abortAll(): void {
    this.generation++;
    this.inflight = 0;
    for (const a of this.aborts) a.abort();
    this.aborts.clear();
    this.busy.clear();
    this.failuresOf.clear();
  }
}
