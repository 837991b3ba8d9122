/**
 * Per-bot update queue with Telegram's delivery semantics: getUpdates long polling (offset
 * confirms, timeout waits, a newer poller terminates the older with 409) or webhook
 * delivery (one update at a time, in order, redelivered with backoff on failure).
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
  private delivering = false;
  private abort?: AbortController;
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
    if (this.webhook) void this.deliver();
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
    this.abort?.abort();
    this.webhook = { ...w, failures: 0 };
    void this.deliver();
  }

  /** deleteWebhook. */
  deleteWebhook(dropPending: boolean): void {
    if (dropPending) this.dropPending();
    this.webhook = undefined;
    this.abort?.abort();
  }

  /** Stops webhook delivery for good (close). */
  stop(): void {
    this.abort?.abort();
    this.release();
  }

  private async deliver(): Promise<void> {
    if (this.delivering) return;
    this.delivering = true;
    try {
      while (this.webhook && this.queue.length > 0 && !this.timers.closed) {
        const wh = this.webhook;
        const update = this.queue[0]!;
        const abort = this.abort = new AbortController();
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
            if (text && this.onWebhookReply) {
              try {
                const body = JSON.parse(text);
                if (body && typeof body === "object" && typeof body.method === "string") {
                  this.onWebhookReply(body);
                }
              } catch { /* not a method call: ignored like Telegram */ }
            }
          } else error = `Wrong response from the webhook: ${res.status} ${res.statusText}`;
        } catch (e) {
          if (abort.signal.aborted) return;
          error = `Connection failed: ${e instanceof Error ? e.message : String(e)}`;
        }
        if (this.webhook !== wh) continue;
        if (error === undefined) {
          if (this.queue[0] === update) this.queue.shift();
          wh.failures = 0;
          continue;
        }
        wh.lastErrorDate = this.unixNow();
        wh.lastErrorMessage = error;
        wh.failures++;
        // Backoff 1, 2, 4 ... 60 Telegram seconds, scaled.
        const backoff = Math.min(60, 2 ** (wh.failures - 1));
        await this.timers.sleep(this.clock.realMs(backoff));
      }
    } finally {
      this.delivering = false;
    }
  }
}
