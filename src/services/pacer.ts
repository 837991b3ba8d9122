/**
 * Paces outgoing calls to Telegram's limits before Telegram has to answer 429.
 *
 * Limits are per bot: a window per private chat, a window per group or channel, and one
 * overall. Waiters of one chat are served first come, first served, so when a group's limit
 * is the bottleneck the tickets writing into it take turns.
 *
 * The windows outlive the process through a {@linkcode PacerStore}: a restarted service
 * that started with empty windows would believe it may send a full window at once, while
 * Telegram still counts the sends of the minute before, and would meet a wall of 429s.
 *
 * @module
 */
import { KeyedChain } from "../chain.ts";
import type { PacerSnapshot } from "../storage/pacer.ts";

export type { PacerSnapshot };

/** Telegram's limits, in messages per window; windows in Telegram milliseconds. */
export interface Limits {
  privatePerWindow: number;
  privateWindowMs: number;
  groupPerWindow: number;
  groupWindowMs: number;
  globalPerWindow: number;
  globalWindowMs: number;
  /** Real milliseconds per Telegram millisecond (1 in production, < 1 in tests). */
  timeScale: number;
}

/** Telegram's published limits. */
export const TELEGRAM_LIMITS: Limits = {
  privatePerWindow: 1,
  privateWindowMs: 1_000,
  groupPerWindow: 20,
  groupWindowMs: 60_000,
  globalPerWindow: 30,
  globalWindowMs: 1_000,
  timeScale: 1,
};

/** No pacing at all (benchmarks with the emulator's limits off). */
export const NO_LIMITS: Limits = {
  ...TELEGRAM_LIMITS,
  privatePerWindow: Infinity,
  groupPerWindow: Infinity,
  globalPerWindow: Infinity,
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A booked send: its time is known only once Telegram has answered. */
interface Slot {
  t: number;
  /** The window was full when it was asked for (the send had to wait its turn). */
  waited?: boolean;
}

class Window {
  #slots: Slot[] = [];
  constructor(readonly limit: number, readonly spanMs: number) {}
  /** Times of the sends still in the window (a send in flight counts as `now`). */
  times(now: number): number[] {
    return this.#slots.map((s) => Number.isFinite(s.t) ? s.t : now)
      .filter((t) => t > now - this.spanMs);
  }
  /** Sends made by an earlier process, at `times`. */
  restore(times: number[]): void {
    this.#slots.push(...times.map((t) => ({ t })));
  }
  /** Real ms to wait until `n` more sends fit; 0 when they fit now. */
  waitFor(now: number, n: number): number {
    this.#slots = this.#slots.filter((s) => s.t > now - this.spanMs);
    const count = this.#slots.length;
    if (count + n <= this.limit) return 0;
    // an album larger than the limit goes out once the window is empty
    if (count === 0) return 0;
    const k = n > this.limit ? count : count + n - this.limit;
    const times = this.#slots.map((s) => s.t).sort((a, b) => a - b);
    const t = times[k - 1] ?? now;
    // a send still in flight: its time is not known yet, look again shortly
    return Number.isFinite(t) ? t + this.spanMs - now + 1 : 2;
  }
  take(n: number, slot: Slot): void {
    for (let i = 0; i < n; i++) this.#slots.push(slot);
  }
  /** Gives back a booked slot that was never used. */
  untake(slot: Slot): void {
    this.#slots = this.#slots.filter((s) => s !== slot);
  }
  /**
   * Nothing may be sent before `until` (after a 429). Telegram's window is full then with
   * sends this window does not know of (an earlier process's, or a crash's unsaved ones):
   * they are assumed spread at the limit's rate, so that after `until` one slot frees at a
   * time. Freeing the whole window at `until` would send a burst into 429s again, and again.
   */
  blockUntil(until: number): void {
    const gap = this.spanMs / this.limit;
    this.#slots = Array.from({ length: this.limit }, (_, i) => ({
      t: until - this.spanMs + i * gap,
    }));
  }
}

/**
 * Where the windows are kept between processes (the port; `src/storage/pacer.ts` keeps them
 * in KV). Times in a snapshot are wall-clock epoch milliseconds: `performance.now()` starts
 * again at 0 in every process.
 */
export interface PacerStore {
  load(): Promise<PacerSnapshot | null>;
  save(snapshot: PacerSnapshot): Promise<void>;
}

/** Options of {@linkcode Pacer}. */
export interface PacerOptions {
  /** Monotonic time in real ms that the windows are measured in (`performance.now()`). */
  now?: () => number;
  /**
   * Wall-clock epoch ms, to date what is saved (`Date.now()`; not a test's manual clock:
   * Telegram's windows run in real time).
   */
  wall?: () => number;
  /** Keeps the windows across restarts; none: they live in memory only. */
  store?: PacerStore;
  /** A failed save (pacing goes on from memory; the next save tries again). */
  onError?: (e: unknown) => void;
}

/** Rate pacer shared by everything one process sends. */
export class Pacer {
  readonly #limits: Limits;
  readonly #windows = new Map<string, Window>();
  readonly #chains = new KeyedChain();
  /** Slots booked by {@linkcode Pacer.reserve} for the next call of a bot into a chat. */
  readonly #credits = new Map<string, Slot[]>();
  /** Chats (`bot:chatId`) whose first booking in line sleeps until the window frees. */
  readonly #blocked = new Set<string>();
  readonly #now: () => number;
  readonly #wall: () => number;
  readonly #store: PacerStore | null;
  readonly #onError: (e: unknown) => void;
  #timer: ReturnType<typeof setTimeout> | null = null;
  /** Saves one after another (#save never throws: failures go to onError). */
  readonly #saves = new KeyedChain();

  constructor(limits: Limits, o: PacerOptions = {}) {
    this.#limits = limits;
    this.#now = o.now ?? (() => performance.now());
    this.#wall = o.wall ?? (() => Date.now());
    this.#store = o.store ?? null;
    this.#onError = o.onError ?? (() => {});
  }

  /**
   * Takes over the windows an earlier process saved, so that its last sends still count.
   * Call once, before the first send.
   */
  async restore(): Promise<void> {
    const snap = await this.#store?.load();
    if (!snap) return;
    // wall-clock times of the earlier process, moved onto this process's monotonic clock
    const shift = this.#now() - this.#wall();
    for (const [key, times] of Object.entries(snap.windows)) {
      const at = key.lastIndexOf(":");
      const bot = key.slice(0, at);
      const chat = key.slice(at + 1);
      const chatId = chat === "global" ? "global" : Number(chat);
      if (chatId !== "global" && !Number.isFinite(chatId)) continue;
      const w = this.#window(bot, chatId, chatId !== "global" && chatId > 0);
      // plus one send at the save itself: a send in flight at a crash, or made after the
      // last save, is counted by Telegram but was never saved
      w.restore([...times.map((t) => snap.base + t + shift), snap.base + shift]);
    }
  }

  /**
   * Saves the windows now (on a clean stop) and waits for the save; later changes are saved
   * by the next call or the next throttled save.
   */
  async flush(): Promise<void> {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
      void this.#saves.run("save", () => this.#save());
    }
    await this.#saves.idle();
  }

  /**
   * Why throttled, not a write per message: pacing must not add a KV write to every send.
   * Saves follow the first change by one Telegram second and carry every send of the last
   * window, so a crash forgets at most a second's sends: under a group's 20 a minute that is
   * at most one send, hence at most one 429 after the restart, which `backOff` then learns.
   */
  #changed(): void {
    if (!this.#store || this.#timer !== null) return;
    const timer = setTimeout(() => {
      this.#timer = null;
      void this.#saves.run("save", () => this.#save());
    }, 1000 * this.#limits.timeScale);
    // a pending save must not keep a finished process alive
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }

  async #save(): Promise<void> {
    const now = this.#now();
    const base = Math.round(this.#wall());
    const shift = base - now;
    const windows: Record<string, number[]> = {};
    for (const [key, w] of this.#windows) {
      const times = w.times(now);
      // offsets from `base`, whole ms: a compact value even with many windows
      if (times.length) windows[key] = times.map((t) => Math.round(t + shift - base));
    }
    try {
      await this.#store!.save({ base, windows });
    } catch (e) {
      this.#onError(e);
    }
  }

  /** The limits in force. */
  get limits(): Limits {
    return this.#limits;
  }

  #window(bot: string, chat: number | "global", isPrivate: boolean): Window {
    const key = `${bot}:${chat}`;
    let w = this.#windows.get(key);
    if (!w) {
      const l = this.#limits;
      const [limit, span] = chat === "global"
        ? [l.globalPerWindow, l.globalWindowMs]
        : isPrivate
        ? [l.privatePerWindow, l.privateWindowMs]
        : [l.groupPerWindow, l.groupWindowMs];
      w = new Window(limit, span * l.timeScale);
      this.#windows.set(key, w);
    }
    return w;
  }

  /**
   * Waits until `n` messages may be sent by `bot` into `chatId`, books them, runs `send`, and
   * dates the booking when Telegram has answered: Telegram counts a message when it receives
   * it, which is before its answer, so windows measured from the answers never overlap
   * Telegram's, whatever the network's delays. Private chats have positive ids.
   */
  async run<T>(bot: string, chatId: number, send: () => Promise<T>, n = 1): Promise<T> {
    const slot = (n === 1 ? this.#credit(bot, chatId) : undefined) ??
      await this.#book(bot, chatId, n);
    try {
      return await send();
    } finally {
      slot.t = this.#now();
      this.#changed();
    }
  }

  /** Waits until `n` messages fit and books them (dated now). */
  async acquire(bot: string, chatId: number, n = 1): Promise<void> {
    const slot = await this.#book(bot, chatId, n);
    slot.t = this.#now();
    this.#changed();
  }

  /**
   * Waits until one of `bots` may send a message into `chatId`, whichever is first, and books
   * it for that bot's next call into the chat (`run` takes the booking instead of waiting).
   * Why: what a call sends can then be decided once it may go, e.g. every message that
   * waited meanwhile coalesced into it; and two bots with their own budgets in one group
   * serve one queue. `waited`: the limit held it back (then messages may have queued up
   * behind it). `release` gives the slot back when no call follows.
   */
  async reserve(
    bots: readonly string[],
    chatId: number,
  ): Promise<{ bot: string; waited: boolean; release(): void }> {
    if (!Number.isFinite(this.#limits.groupPerWindow)) {
      return { bot: bots[0]!, waited: false, release: () => {} };
    }
    let won: string | null = null;
    const { bot, slot } = await Promise.any(bots.map(async (b) => {
      const slot = await this.#book(b, chatId, 1, { t: Infinity }, () => {
        if (won !== null) return false;
        won = b;
        return true;
      });
      // the other bot was first: its booking stands, this one was declined
      if (won !== b) throw new Error("declined");
      return { bot: b, slot };
    }));
    const key = `${bot}:${chatId}`;
    const credits = this.#credits.get(key) ?? [];
    credits.push(slot);
    this.#credits.set(key, credits);
    return {
      bot,
      waited: slot.waited === true,
      release: () => {
        const list = this.#credits.get(key);
        const i = list?.indexOf(slot) ?? -1;
        if (i < 0) return;
        list!.splice(i, 1);
        if (!list!.length) this.#credits.delete(key);
        this.#window(bot, chatId, chatId > 0).untake(slot);
        this.#window(bot, "global", false).untake(slot);
      },
    };
  }

  #credit(bot: string, chatId: number): Slot | undefined {
    const key = `${bot}:${chatId}`;
    const list = this.#credits.get(key);
    const slot = list?.shift();
    if (list && !list.length) this.#credits.delete(key);
    return slot;
  }

  /**
   * Books `n` sends of `bot` into `chatId` once they fit, in the chat's first come, first
   * served order; `claim` (reserve's race between bots) may decline the booking when it is
   * its turn, which then passes to the next in line.
   */
  #book(
    bot: string,
    chatId: number,
    n: number,
    slot: Slot = { t: Infinity },
    claim: () => boolean = () => true,
  ): Promise<Slot> {
    if (!Number.isFinite(this.#limits.groupPerWindow)) return Promise.resolve(slot);
    const key = `${bot}:${chatId}`;
    // behind a booking that the limit holds back: this one waits for the limit too
    if (this.#blocked.has(key)) slot.waited = true;
    return this.#chains.run(key, async () => {
      const chat = this.#window(bot, chatId, chatId > 0);
      const global = this.#window(bot, "global", false);
      try {
        for (;;) {
          const now = this.#now();
          const wait = Math.max(chat.waitFor(now, n), global.waitFor(now, n));
          if (wait <= 0) {
            if (!claim()) return;
            chat.take(n, slot);
            global.take(n, slot);
            return;
          }
          slot.waited = true;
          this.#blocked.add(key);
          await sleep(wait);
        }
      } finally {
        this.#blocked.delete(key);
      }
    }).then(() => slot);
  }

  /**
   * Telegram answered 429 for this chat: holds it for `retryAfterSec` Telegram seconds and
   * returns the real ms the caller waits before trying again. The one place a 429 is learnt:
   * the bots' APIs (bots/pacing.ts), the outbox's lanes and its post updater all go through it.
   */
  backOff(bot: string, chatId: number, retryAfterSec: number): number {
    const ms = this.scaled(retryAfterSec);
    this.#window(bot, chatId, chatId > 0).blockUntil(this.#now() + ms);
    this.#changed();
    return ms;
  }

  /** Real milliseconds that `retryAfterSec` Telegram seconds last. */
  scaled(retryAfterSec: number): number {
    return retryAfterSec * 1000 * this.#limits.timeScale;
  }
}
