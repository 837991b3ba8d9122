/**
 * Long polling that loses nothing: an update's offset is confirmed (by the next getUpdates)
 * only once it was handled or written to KV. A batch is handled first, with per-chat ordering
 * and bounded concurrency; what is not handled within {@linkcode KEEP_AFTER_MS} is kept in KV
 * before the next getUpdates, and removed once handled. An update handled before its offset is
 * confirmed needs no kept copy: if the process dies first, Telegram delivers it again and its
 * processed mark makes that a no-op. After a crash the kept leftovers are processed first.
 *
 * @module
 */
import { type Bot, BotError, GrammyError } from "grammy";
import type { Update } from "grammy/types";
import { KeyedChain } from "../chain.ts";
import type { Clock } from "../clock.ts";
import { isRetryable, isUnauthorized } from "../services/update_failure.ts";
import { type Logger, redact } from "../log.ts";
import {
  dropIntake,
  listIntake,
  patchBotState,
  saveIntake,
  type SetAsideUpdate,
  setAsideUpdate,
  type StorageTrouble,
} from "../storage/intake.ts";

/** Update types the service needs (chat_member is not delivered unless asked for). */
export const ALLOWED_UPDATES = [
  "message",
  "edited_message",
  "channel_post",
  "edited_channel_post",
  "callback_query",
  "my_chat_member",
  "chat_member",
] as const;

/** The chat an update belongs to: updates of one chat are handled in order. */
export function chatKeyOf(u: Update): string {
  const chat = u.message?.chat ?? u.edited_message?.chat ?? u.channel_post?.chat ??
    u.edited_channel_post?.chat ?? u.my_chat_member?.chat ?? u.chat_member?.chat ??
    u.callback_query?.message?.chat;
  if (chat) return `c${chat.id}`;
  const from = u.callback_query?.from;
  return from ? `u${from.id}` : "other";
}

/** The reason kept for an admin: the error's message, never a token. */
export function failureReason(err: unknown): string {
  const e = err instanceof BotError ? err.error : err;
  return redact(e instanceof Error ? `${e.name}: ${e.message}` : String(e)).slice(0, 500);
}

/** Attempts of a failing update before it is set aside (the first included). */
export const UPDATE_ATTEMPTS = 6;

/** Options of {@linkcode DurablePoller}. */
export interface PollerOptions {
  bot: Bot;
  /** Name of the bot in KV records (`client`, `manager`, `settings`). */
  name: string;
  kv: Deno.Kv;
  log: Logger;
  clock: Clock;
  /** Long-poll timeout in seconds. */
  timeoutSec?: number;
  /** Updates handled at once (different chats). */
  concurrency?: number;
  /**
   * How long a batch's handling is waited for before what is left of it is kept in KV (and the
   * next getUpdates sent). 0 keeps the batch at once, while it is being handled.
   */
  keepAfterMs?: number;
  /** Rewrites an update before it is kept in KV (the settings bot drops pasted tokens). */
  scrub?: (u: Update) => Update;
  /** Attempts of a failing update, and the first pause between them (doubling). */
  retry?: { attempts: number; baseMs: number };
  /** Told of every update set aside (it failed every attempt, or its record is corrupted). */
  onSetAside?: (r: SetAsideUpdate) => void;
  /**
   * Told once when KV has refused to keep received updates for {@linkcode STORAGE_ALERT_MS}
   * (a full disk, a lock), and once more when it works again.
   */
  onStorage?: (e: StorageTrouble) => void;
}

/**
 * Default of {@linkcode PollerOptions.keepAfterMs}: a batch of 100 short messages is handled in
 * about this long on a busy core; a slower update (a retry, a lock) is kept instead of holding
 * up the next batch.
 */
export const KEEP_AFTER_MS = 50;

/** How long KV may refuse writes before the admins are told (a brief lock is not news). */
export const STORAGE_ALERT_MS = 60_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Sleeps `ms`, or less when `signal` aborts first. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return sleep(ms);
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((r) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      r();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}

/** Polls one bot durably. */
export class DurablePoller {
  readonly #o: Required<PollerOptions>;
  readonly #chains = new KeyedChain();
  readonly #inFlight = new Set<Promise<void>>();
  /** Batches being dispatched (see {@linkcode DurablePoller.idle}). */
  readonly #handing = new Set<Promise<void>>();
  #abort: AbortController | null = null;
  #loop: Promise<void> | null = null;
  #slots: number;
  #waiters: Array<() => void> = [];
  /** Set once the first getUpdates was sent. */
  readonly polling: Promise<void>;
  #markPolling!: () => void;
  /**
   * Set once the inbox's leftovers from before the start were handled (or polling stopped
   * first): what they started, such as album parts, is known by then.
   */
  readonly caughtUp: Promise<void>;
  #markCaughtUp!: () => void;
  /** Last error that stopped or slowed polling. */
  lastError: string | null = null;

  constructor(o: PollerOptions) {
    this.#o = {
      timeoutSec: 25,
      concurrency: 64,
      keepAfterMs: KEEP_AFTER_MS,
      scrub: (u) => u,
      retry: { attempts: UPDATE_ATTEMPTS, baseMs: 500 },
      onSetAside: () => {},
      onStorage: () => {},
      ...o,
    };
    this.#slots = this.#o.concurrency;
    this.polling = new Promise((r) => (this.#markPolling = r));
    this.caughtUp = new Promise((r) => (this.#markCaughtUp = r));
  }

  /** Starts polling (the bot must be initialised with `bot.init()`). */
  start(): void {
    if (this.#loop) return;
    this.#abort = new AbortController();
    this.#loop = this.#run(this.#abort.signal);
  }

  /** Stops polling, then waits for the updates in hand. */
  async stop(): Promise<void> {
    this.#abort?.abort();
    await this.#loop?.catch(() => {});
    this.#markCaughtUp?.();
    this.#loop = null;
    await this.idle();
  }

  /** Resolves when no update is being handled and processed ones are forgotten. */
  async idle(): Promise<void> {
    while (this.#handing.size || this.#inFlight.size || this.#flushing) {
      await Promise.all([...this.#handing, ...this.#inFlight, this.#flushing]);
    }
  }

  async #run(signal: AbortSignal): Promise<void> {
    const { bot, kv, name, log } = this.#o;
    let leftovers: Update[] = [];
    for (let attempt = 0; !signal.aborted; attempt++) {
      try {
        leftovers = await listIntake(kv, name, {
          at: this.#o.clock.now(),
          onSetAside: this.#o.onSetAside,
        });
        break;
      } catch (e) {
        // KV unreadable at start: waited out like a refused write, never a dead poller
        if (attempt === 0) log.error("cannot read kept updates; retrying", { bot: name, err: e });
        await pause(Math.min(30_000, 250 * 2 ** Math.min(attempt, 7)), signal);
      }
    }
    if (signal.aborted) return;
    let offset = 0;
    for (const u of leftovers) this.#parted.add(u.update_id);
    for (const u of leftovers) {
      offset = Math.max(offset, u.update_id + 1);
      await this.#dispatch(u);
    }
    void Promise.allSettled([...this.#inFlight]).then(() => this.#markCaughtUp());
    let failures = 0;
    while (!signal.aborted) {
      let updates: Update[];
      try {
        const call = bot.api.getUpdates(
          { offset, timeout: this.#o.timeoutSec, allowed_updates: [...ALLOWED_UPDATES] },
          // grammY's npm build types signals with a polyfill; Deno's native one works
          signal as unknown as Parameters<typeof bot.api.getUpdates>[1],
        );
        this.#markPolling();
        updates = await call;
        failures = 0;
      } catch (e) {
        if (signal.aborted) return;
        failures++;
        this.lastError = e instanceof Error ? e.message : String(e);
        await patchBotState(kv, name, {
          lastError: this.lastError,
          lastErrorAt: this.#o.clock.now(),
        }).catch(() => {});
        if (e instanceof GrammyError && e.error_code === 401) {
          log.error("bot token rejected; polling stopped", { bot: name });
          return;
        }
        log.warn("getUpdates failed", { bot: name, err: e });
        await sleep(Math.min(30_000, 250 * 2 ** Math.min(failures, 7)));
        continue;
      }
      if (!updates.length) continue;
      offset = updates[updates.length - 1]!.update_id + 1;
      for (const u of updates) this.#unkept.add(u.update_id);
      const runs: Promise<void>[] = [];
      // handed on in the background: a chat's slow update holding every slot must not hold
      // up the keeping of the rest; idle() waits for it, so a received update is never done
      const handing = this.#handOn(updates, runs, signal);
      if (this.#o.keepAfterMs > 0) {
        const handled = handing.then(() => Promise.all(runs));
        await Promise.race([handled, pause(this.#o.keepAfterMs, signal)]);
      }
      // stopped: nothing is confirmed, so Telegram delivers again what was not handled
      if (signal.aborted) return;
      const late = updates.filter((u) => this.#unkept.delete(u.update_id));
      if (late.length) {
        this.#keeping = this.#keep(late, signal);
        await this.#keeping;
        this.#keeping = null;
      }
      // the next batch waits for free slots, as Telegram's queue then waits for us
      await handing;
      if (signal.aborted) return;
      await patchBotState(kv, name, { lastUpdateAt: this.#o.clock.now() }).catch((e) =>
        log.warn("cannot record the bot's health", { bot: name, err: e })
      );
    }
  }

  /** Dispatches a batch in order; what stopping leaves undispatched Telegram delivers again. */
  #handOn(updates: Update[], runs: Promise<void>[], signal: AbortSignal): Promise<void> {
    const p = (async () => {
      for (const u of updates) {
        if (signal.aborted) {
          // never kept (the loop keeps nothing once stopped) nor confirmed
          this.#unkept.delete(u.update_id);
          continue;
        }
        await this.#dispatch(u, runs);
      }
    })();
    this.#handing.add(p);
    void p.finally(() => this.#handing.delete(p));
    return p;
  }

  /**
   * Writes the updates not handled in time to KV, durable before their offset is confirmed;
   * a failing KV (full disk, a lock) is waited out, never fatal: Telegram keeps the updates
   * meanwhile. Resolves unwritten when stopped first (nothing was confirmed).
   */
  async #keep(late: Update[], signal: AbortSignal): Promise<void> {
    const { kv, name, log } = this.#o;
    const kept = late.map(this.#o.scrub);
    const since = this.#o.clock.now();
    let told = false;
    for (let attempt = 0; !signal.aborted; attempt++) {
      try {
        for (const id of await saveIntake(kv, name, kept)) this.#parted.add(id);
        if (told) {
          log.info("received updates are stored again", { bot: name });
          this.#o.onStorage({ bot: name, since, reason: "", resolved: true });
        }
        return;
      } catch (e) {
        if (attempt === 0) {
          log.error("cannot store received updates; retrying", { bot: name, err: e });
        }
        if (!told && this.#o.clock.now() - since >= STORAGE_ALERT_MS) {
          told = true;
          this.#o.onStorage({ bot: name, since, reason: failureReason(e), resolved: false });
        }
        await pause(Math.min(30_000, 250 * 2 ** Math.min(attempt, 7)), signal);
      }
    }
  }

  async #acquire(): Promise<void> {
    if (this.#slots > 0) {
      this.#slots--;
      return;
    }
    await new Promise<void>((r) => this.#waiters.push(r));
  }

  #release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#slots++;
  }

  #done: number[] = [];
  #flushing: Promise<void> | null = null;
  /**
   * Received updates neither handled nor kept yet: one handled while still here is simply
   * forgotten (nothing of it is in KV); the others were kept and are removed from KV.
   */
  readonly #unkept = new Set<number>();
  /** The write of late updates in flight: a removal must not land before it. */
  #keeping: Promise<void> | null = null;
  /**
   * Kept updates that may be stored in parts: the large ones saved, and every leftover of a
   * former run (not known); forgetting the others needs no read.
   */
  readonly #parted = new Set<number>();

  /**
   * Processed updates are forgotten in batches: one KV write per batch instead of one per
   * update (a crash in between only means re-handling updates that are idempotent anyway).
   */
  #processed(updateId: number): void {
    // handled before it was kept: nothing to forget
    if (this.#unkept.delete(updateId)) return;
    this.#done.push(updateId);
    if (this.#flushing) return;
    this.#flushing = (async () => {
      await new Promise((r) => setTimeout(r, 20));
      while (this.#done.length) {
        // an update handled while its late copy was being written: removed after the write
        await this.#keeping;
        const ids = this.#done.splice(0);
        try {
          await dropIntake(this.#o.kv, this.#o.name, ids, this.#parted);
          for (const id of ids) this.#parted.delete(id);
        } catch (e) {
          // handled updates are idempotent: kept ones are only handled again after a restart
          this.#o.log.warn("cannot forget handled updates", { bot: this.#o.name, err: e });
        }
      }
      this.#flushing = null;
    })();
  }

  /**
   * Handles an update, again with backoff while it fails in a way that may pass (the chat's
   * later updates wait: their order matters), and sets it aside once it failed every
   * attempt. False when stopped meanwhile or when it could not be set aside: the update stays
   * in the inbox (or unconfirmed at Telegram) for the next start.
   */
  async #handle(u: Update): Promise<boolean> {
    const { attempts, baseMs } = this.#o.retry;
    const { log, name } = this.#o;
    let waits = 0;
    for (let attempt = 1;; attempt++) {
      try {
        await this.#o.bot.handleUpdate(u);
        return true;
      } catch (e) {
        if (isUnauthorized(e)) {
          // the token was revoked (a rotation under way): not the update's fault, so it waits
          // uncounted until the bot is restarted with the new token, whose poller takes it from
          // the inbox; counted, a rotation that takes the admin a minute would set it aside
          if (waits++ === 0) {
            log.warn("update waits for the bot's new token", { bot: name, update: u.update_id });
          }
          await pause(Math.min(30_000, baseMs * 2 ** Math.min(waits, 6)), this.#abort?.signal);
          if (this.#abort?.signal.aborted) return false;
          attempt--;
          continue;
        }
        const retry = isRetryable(e) && attempt < attempts;
        if (attempt === 1 || !retry) {
          // a failure that may still pass on a retry is a warning; the last one is the error
          const fields = { bot: name, update: u.update_id, attempt, err: e };
          if (retry) log.warn("update failed; retrying", fields);
          else log.error("update failed", fields);
        }
        if (!isRetryable(e)) return true;
        if (!retry) {
          const why = { reason: failureReason(e), attempts: attempt, at: this.#o.clock.now() };
          try {
            this.#o.onSetAside(
              await setAsideUpdate(this.#o.kv, name, u.update_id, why, JSON.stringify(u)),
            );
            // done with: neither kept late nor left in the inbox by a late copy
            return true;
          } catch (err) {
            // kept in the inbox: handled again after a restart
            log.error("cannot set a failing update aside", { bot: name, err });
          }
          return false;
        }
        await pause(baseMs * 2 ** (attempt - 1), this.#abort?.signal);
        if (this.#abort?.signal.aborted) return false;
      }
    }
  }

  /**
   * Queues an update behind the earlier ones of its chat; waits only for a free slot. Its run
   * (settled once it was handled or given up) is added to `runs`.
   */
  async #dispatch(u: Update, runs?: Promise<void>[]): Promise<void> {
    await this.#acquire();
    const run = this.#chains.run(chatKeyOf(u), async () => {
      if (await this.#handle(u)) this.#processed(u.update_id);
    }).finally(() => this.#release());
    this.#inFlight.add(run);
    void run.finally(() => this.#inFlight.delete(run));
    runs?.push(run);
  }
}
