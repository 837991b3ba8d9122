/**
 * Long polling that loses nothing: each batch of updates is written to KV before its offset
 * is confirmed (by the next getUpdates), processed with per-chat ordering and bounded
 * concurrency, and removed once handled. After a crash the leftovers are processed first.
 *
 * @module
 */
import { type Bot, GrammyError } from "grammy";
import type { Update } from "grammy/types";
import type { Clock } from "../clock.ts";
import type { Logger } from "../log.ts";
import { dropIntake, listIntake, patchBotState, saveIntake } from "../storage/intake.ts";

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
  /** Rewrites an update before it is kept in KV (the settings bot drops pasted tokens). */
  scrub?: (u: Update) => Update;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls one bot durably. */
export class DurablePoller {
  readonly #o: Required<PollerOptions>;
  readonly #chains = new Map<string, Promise<void>>();
  readonly #inFlight = new Set<Promise<void>>();
  #abort: AbortController | null = null;
  #loop: Promise<void> | null = null;
  #slots: number;
  #waiters: Array<() => void> = [];
  /** Set once the first getUpdates was sent. */
  readonly polling: Promise<void>;
  #markPolling!: () => void;
  /** Last error that stopped or slowed polling. */
  lastError: string | null = null;

  constructor(o: PollerOptions) {
    this.#o = { timeoutSec: 25, concurrency: 64, scrub: (u) => u, ...o };
    this.#slots = this.#o.concurrency;
    this.polling = new Promise((r) => (this.#markPolling = r));
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
    this.#loop = null;
    await this.idle();
  }

  /** Resolves when no update is being handled and processed ones are forgotten. */
  async idle(): Promise<void> {
    while (this.#inFlight.size || this.#flushing) {
      await Promise.all([...this.#inFlight, this.#flushing]);
    }
  }

  async #run(signal: AbortSignal): Promise<void> {
    const { bot, kv, name, log } = this.#o;
    const leftovers = await listIntake(kv, name);
    let offset = 0;
    for (const u of leftovers) {
      offset = Math.max(offset, u.update_id + 1);
      await this.#dispatch(u);
    }
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
      // durable before the offset is confirmed by the next getUpdates; a failing KV (full
      // disk, a lock) is waited out, never fatal: Telegram keeps the updates meanwhile
      const kept = updates.map(this.#o.scrub);
      for (let attempt = 0; !signal.aborted; attempt++) {
        try {
          await saveIntake(kv, name, kept);
          break;
        } catch (e) {
          if (attempt === 0) {
            log.error("cannot store received updates; retrying", { bot: name, err: e });
          }
          await sleep(Math.min(30_000, 250 * 2 ** Math.min(attempt, 7)));
        }
      }
      if (signal.aborted) return;
      offset = updates[updates.length - 1]!.update_id + 1;
      await patchBotState(kv, name, { lastUpdateAt: this.#o.clock.now() }).catch((e) =>
        log.warn("cannot record the bot's health", { bot: name, err: e })
      );
      for (const u of updates) await this.#dispatch(u);
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
   * Processed updates are forgotten in batches: one KV write per batch instead of one per
   * update (a crash in between only means re-handling updates that are idempotent anyway).
   */
  #processed(updateId: number): void {
    this.#done.push(updateId);
    if (this.#flushing) return;
    this.#flushing = (async () => {
      await new Promise((r) => setTimeout(r, 20));
      while (this.#done.length) {
        const ids = this.#done.splice(0);
        try {
          await dropIntake(this.#o.kv, this.#o.name, ids);
        } catch (e) {
          // handled updates are idempotent: kept ones are only handled again after a restart
          this.#o.log.warn("cannot forget handled updates", { bot: this.#o.name, err: e });
        }
      }
      this.#flushing = null;
    })();
  }

  /** Queues an update behind the earlier ones of its chat; waits only for a free slot. */
  async #dispatch(u: Update): Promise<void> {
    await this.#acquire();
    const key = chatKeyOf(u);
    const prev = this.#chains.get(key) ?? Promise.resolve();
    const run = prev.then(async () => {
      try {
        await this.#o.bot.handleUpdate(u);
      } catch (e) {
        this.#o.log.error("update failed", { bot: this.#o.name, update: u.update_id, err: e });
      }
      this.#processed(u.update_id);
    }).finally(() => this.#release());
    this.#chains.set(key, run);
    this.#inFlight.add(run);
    void run.finally(() => {
      this.#inFlight.delete(run);
      if (this.#chains.get(key) === run) this.#chains.delete(key);
    });
  }
}
