/**
 * Albums arrive as separate messages sharing `media_group_id`, with no count and no end
 * marker. The collector keeps them briefly and hands them on together; any other message of
 * the same chat first flushes what is pending, so order is kept.
 *
 * @module
 */
import type { Bot } from "grammy";
import type { Update } from "grammy/types";
import { isRetryable } from "../services/update_failure.ts";
import type { Incoming } from "../services/relay.ts";
import { claimAlbum, listAlbums, saveAlbumPart, type StoredAlbum } from "../storage/albums.ts";

/** Collects album parts and hands each album on whole. */
export interface AlbumSink {
  /**
   * Adds a part; `flush` gets the whole album once it is complete. Resolves when the part is
   * safely kept (and, for the KV collector, once its album was handed on by this caller).
   */
  add(item: Incoming, flush: (items: Incoming[]) => Promise<void>): Promise<void>;
  /** Hands on every pending album of a chat, except `except` (a media group id). */
  flushChat(chatId: number, except?: string): Promise<void>;
  /** Hands on everything pending (shutdown). */
  flushAll(): Promise<void>;
}

/**
 * Pending albums by `chat:group`, each with its timer, handed on by the timer, by the chat's
 * next update or at shutdown, and the hand-ons still running.
 */
abstract class TimedAlbums<P extends { timer: ReturnType<typeof setTimeout> }>
  implements AlbumSink {
  protected readonly pending = new Map<string, P>();
  /** Hand-ons still running, with their `chat:group` key. */
  readonly #inFlight = new Map<Promise<void>, string>();
  /** Set by {@linkcode flushAll}: nothing is looked at again later. */
  protected closed = false;
  constructor(readonly windowMs: number, readonly onError: (e: unknown) => void) {}

  abstract add(item: Incoming, flush: (items: Incoming[]) => Promise<void>): Promise<void>;
  /** Hands one pending album on. */
  protected abstract handOn(p: P): Promise<void>;

  /** (Re)starts an album's window. */
  protected schedule(key: string, ms = this.windowMs): ReturnType<typeof setTimeout> {
    return setTimeout(() => void this.fire(key), ms);
  }

  protected fire(key: string): Promise<void> {
    const p = this.pending.get(key);
    if (!p) return Promise.resolve();
    clearTimeout(p.timer);
    this.pending.delete(key);
    const run = this.handOn(p).catch(this.onError);
    this.#inFlight.set(run, key);
    void run.finally(() => this.#inFlight.delete(run));
    return run;
  }

  /** The running hand-ons whose key passes `keep`. */
  #running(keep: (key: string) => boolean): Promise<void>[] {
    return [...this.#inFlight].filter(([, k]) => keep(k)).map(([run]) => run);
  }

  /**
   * Hands on every pending album of a chat (before a later message of that chat) and waits
   * for the chat's hand-ons, except those of `except`: a recovered album is handed on inside
   * its own hand-on ({@linkcode redispatchAlbum}), which must not wait for itself.
   */
  async flushChat(chatId: number, except?: string): Promise<void> {
    const mine = (key: string) => key.startsWith(`${chatId}:`) && key !== `${chatId}:${except}`;
    const runs = [...this.pending.keys()].filter(mine).map((k) => this.fire(k));
    await Promise.all([...runs, ...this.#running(mine)]);
  }

  /** Hands on everything pending (on shutdown) and waits for it. */
  async flushAll(): Promise<void> {
    this.closed = true;
    const runs = [...this.pending.keys()].map((k) => this.fire(k));
    await Promise.all([...runs, ...this.#running(() => true)]);
  }
}

interface KvPending {
  chatId: number;
  group: string;
  lastId: number;
  timer: ReturnType<typeof setTimeout>;
  flush: (items: Incoming[]) => Promise<void>;
}

/** Options of {@linkcode KvAlbumCollector}. */
export interface KvAlbumOptions {
  /** How long an album waits for its next part. */
  windowMs: number;
  /** How long one hand-on may take before another caller may take the album over. */
  leaseMs?: number;
  onError?: (e: unknown) => void;
  /**
   * Hands on an album found in KV that no caller of `add` waits for here: one stored before a
   * restart, or one whose instance died (webhook mode). See {@linkcode redispatchAlbum}.
   */
  recover?: (items: Incoming[]) => Promise<void>;
  now?: () => number;
}

/**
 * Collects album parts in KV (both modes). A part must never wait inside its update: in
 * webhook mode Telegram sends a chat's next update only after the previous request returned,
 * and in polling mode the next parts are behind it in the chat's queue. So a part is kept in
 * KV and its update is done at once (the durable inbox may forget it). The album is handed on
 * after the window by a timer of the instance that kept its newest part, or earlier by the
 * chat's next update, or by {@linkcode resume} / {@linkcode flushDue} after a restart or an
 * instance's death. A lease makes one caller hand it on at a time; its parts are forgotten
 * only once it was handed on.
 */
export class KvAlbumCollector extends TimedAlbums<KvPending> {
  readonly #leaseMs: number;
  readonly #recover: (items: Incoming[]) => Promise<void>;
  readonly #now: () => number;

  constructor(readonly kv: Deno.Kv, o: KvAlbumOptions) {
    super(o.windowMs, o.onError ?? (() => {}));
    this.#leaseMs = o.leaseMs ?? 30_000;
    this.#recover = o.recover ??
      (() => Promise.reject(new Error("no handler for a recovered album")));
    this.#now = o.now ?? Date.now;
  }

  async add(item: Incoming, flush: (items: Incoming[]) => Promise<void>): Promise<void> {
    const m = item.message;
    const group = m.media_group_id!;
    await saveAlbumPart(this.kv, m.chat.id, group, m.message_id, item, this.#now());
    const key = `${m.chat.id}:${group}`;
    const before = this.pending.get(key);
    if (before) clearTimeout(before.timer);
    this.pending.set(key, {
      chatId: m.chat.id,
      group,
      lastId: Math.max(before?.lastId ?? 0, m.message_id),
      flush,
      timer: this.schedule(key),
    });
  }

  /**
   * At start: every stored album not pending here gets a fresh window, since the restart's
   * leftover updates (the durable inbox is handled first) may still bring its later parts.
   */
  resume(): Promise<void> {
    return this.#adopt(() => this.windowMs);
  }

  /**
   * Periodically (cron): hands on stored albums whose window has passed and that nobody here
   * waits for (their instance died, or a hand-on failed); the others wait for what is left of
   * their window. Safe alongside timers and other instances: the lease decides.
   */
  flushDue(): Promise<void> {
    return this.#adopt((a) => Math.max(0, a.lastAt + this.windowMs - this.#now()));
  }

  async #adopt(delay: (a: StoredAlbum) => number): Promise<void> {
    const due: Promise<void>[] = [];
    for (const a of await listAlbums(this.kv)) {
      const key = `${a.chatId}:${a.group}`;
      if (this.pending.has(key)) continue;
      const ms = delay(a);
      const p = { chatId: a.chatId, group: a.group, lastId: a.lastId, flush: this.#recover };
      if (ms > 0) this.pending.set(key, { ...p, timer: this.schedule(key, ms) });
      else {
        this.pending.set(key, { ...p, timer: this.schedule(key) });
        due.push(this.fire(key));
      }
    }
    await Promise.all(due);
  }

  protected async handOn(p: KvPending): Promise<void> {
    const c = await claimAlbum<Incoming>(this.kv, p.chatId, p.group, {
      lastId: p.lastId,
      now: this.#now(),
      leaseMs: this.#leaseMs,
    });
    if (c.kind === "busy") {
      // another caller has it; look again once its lease is over, in case it died
      this.#retryAt(p, c.until);
      return;
    }
    if (c.kind === "none") return;
    try {
      await p.flush(c.parts.sort((a, b) => a.message.message_id - b.message.message_id));
    } catch (e) {
      // a refusal by Telegram is final (as for any update); anything else is tried again once
      // the lease is over (here, or by flushDue elsewhere), the parts being still in KV
      if (isRetryable(e)) {
        // through the bot running then: this one may be gone meanwhile (a token revoked and
        // replaced restarts the bot; the parts' context would keep calling with the old token)
        this.#retryAt({ ...p, flush: this.#recover }, this.#now() + this.#leaseMs);
        throw e;
      }
      this.onError(e);
    }
    await c.done();
  }

  /** Looks at an album again at `until` (a lease's end), unless something here waits for it. */
  #retryAt(p: KvPending, until: number): void {
    const key = `${p.chatId}:${p.group}`;
    if (this.closed || this.pending.has(key)) return;
    const ms = Math.max(0, until - this.#now()) + 10;
    this.pending.set(key, { ...p, timer: this.schedule(key, ms) });
  }
}

const recovered = new WeakMap<object, Incoming[]>();

/**
 * Runs a stored album through `bot` as the update of its newest part with the whole album
 * attached: the handler that added the part hands the album on ({@linkcode recoveredAlbum})
 * as its own timer would have. This way recovery needs no copy of the handlers' logic, only
 * the running bot.
 */
export async function redispatchAlbum(bot: Bot, items: Incoming[]): Promise<void> {
  const last = items[items.length - 1]!;
  const update = { update_id: last.updateId, message: last.message } as Update;
  recovered.set(update, items);
  await bot.handleUpdate(update);
}

/** The whole album when `update` came from {@linkcode redispatchAlbum}. */
export function recoveredAlbum(update: object): Incoming[] | undefined {
  return recovered.get(update);
}
