/**
 * Albums arrive as separate messages sharing `media_group_id`, with no count and no end
 * marker. The collector keeps them briefly and hands them on together; any other message of
 * the same chat first flushes what is pending, so order is kept.
 *
 * @module
 */
import type { Incoming } from "../services/relay.ts";
import { claimAlbum, saveAlbumPart } from "../storage/albums.ts";

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
 * What both collectors share: pending albums by `chat:group`, each with its timer, handed on
 * by the timer, by the chat's next update or at shutdown, and the hand-ons still running.
 */
abstract class TimedAlbums<P extends { timer: ReturnType<typeof setTimeout> }>
  implements AlbumSink {
  protected readonly pending = new Map<string, P>();
  readonly #inFlight = new Set<Promise<void>>();
  constructor(readonly windowMs: number, readonly onError: (e: unknown) => void) {}

  abstract add(item: Incoming, flush: (items: Incoming[]) => Promise<void>): Promise<void>;
  /** Hands one pending album on. */
  protected abstract handOn(p: P): Promise<void>;

  /** (Re)starts an album's window. */
  protected schedule(key: string): ReturnType<typeof setTimeout> {
    return setTimeout(() => void this.fire(key), this.windowMs);
  }

  protected fire(key: string): Promise<void> {
    const p = this.pending.get(key);
    if (!p) return Promise.resolve();
    clearTimeout(p.timer);
    this.pending.delete(key);
    const run = this.handOn(p).catch(this.onError);
    this.#inFlight.add(run);
    void run.finally(() => this.#inFlight.delete(run));
    return run;
  }

  /** Hands on every pending album of a chat (before a later message of that chat). */
  async flushChat(chatId: number, except?: string): Promise<void> {
    const runs: Promise<void>[] = [];
    for (const key of [...this.pending.keys()]) {
      if (key.startsWith(`${chatId}:`) && key !== `${chatId}:${except}`) runs.push(this.fire(key));
    }
    await Promise.all([...runs, ...this.#inFlight]);
  }

  /** Hands on everything pending (on shutdown) and waits for it. */
  async flushAll(): Promise<void> {
    await Promise.all([...[...this.pending.keys()].map((k) => this.fire(k)), ...this.#inFlight]);
  }
}

interface MemoryPending {
  items: Incoming[];
  timer: ReturnType<typeof setTimeout>;
  flush: (items: Incoming[]) => Promise<void>;
}

/** Collects album parts per chat in memory (polling mode: one long-lived process). */
export class AlbumCollector extends TimedAlbums<MemoryPending> {
  /** Adds an album part; `flush` gets the whole album once it is complete. */
  add(item: Incoming, flush: (items: Incoming[]) => Promise<void>): Promise<void> {
    const m = item.message;
    const key = `${m.chat.id}:${m.media_group_id}`;
    const p = this.pending.get(key);
    if (p) {
      clearTimeout(p.timer);
      p.items.push(item);
      p.timer = this.schedule(key);
      if (p.items.length >= 10) void this.fire(key);
      return Promise.resolve();
    }
    this.pending.set(key, { items: [item], flush, timer: this.schedule(key) });
    return Promise.resolve();
  }

  protected handOn(p: MemoryPending): Promise<void> {
    return p.flush(p.items.sort((a, b) => a.message.message_id - b.message.message_id));
  }
}

interface KvPending {
  chatId: number;
  group: string;
  lastId: number;
  timer: ReturnType<typeof setTimeout>;
  flush: (items: Incoming[]) => Promise<void>;
}

/**
 * Collects album parts in KV (webhook mode). Telegram sends a chat's next update only after
 * the previous request returned, so a part must never wait inside its request: it is kept in
 * KV and the request returns at once. The album is handed on after the window by a timer of
 * the instance that kept its newest part, or earlier by the chat's next update; the claim is
 * atomic, so exactly one caller hands it on.
 */
export class KvAlbumCollector extends TimedAlbums<KvPending> {
  constructor(
    readonly kv: Deno.Kv,
    windowMs: number,
    onError: (e: unknown) => void = () => {},
  ) {
    super(windowMs, onError);
  }

  async add(item: Incoming, flush: (items: Incoming[]) => Promise<void>): Promise<void> {
    const m = item.message;
    const group = m.media_group_id!;
    await saveAlbumPart(this.kv, m.chat.id, group, m.message_id, item);
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

  protected async handOn(p: KvPending): Promise<void> {
    const parts = await claimAlbum<Incoming>(this.kv, p.chatId, p.group, p.lastId);
    if (parts) await p.flush(parts);
  }
}
