/**
 * Paces outgoing calls to Telegram's limits before Telegram has to answer 429.
 *
 * Limits are per bot: a window per private chat, a window per group or channel, and one
 * overall. Waiters of one chat are served first come, first served, so when a group's limit
 * is the bottleneck the tickets writing into it take turns.
 *
 * @module
 */

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
}

class Window {
  #slots: Slot[] = [];
  constructor(readonly limit: number, readonly spanMs: number) {}
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
  /** Nothing may be sent before `until` (after a 429). */
  blockUntil(until: number): void {
    const slot = { t: until - this.spanMs };
    this.#slots = Array.from({ length: this.limit }, () => slot);
  }
}

/** Rate pacer shared by everything one process sends. */
export class Pacer {
  readonly #limits: Limits;
  readonly #windows = new Map<string, Window>();
  readonly #chains = new Map<string, Promise<void>>();
  #now: () => number;

  constructor(limits: Limits, now: () => number = () => performance.now()) {
    this.#limits = limits;
    this.#now = now;
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
    const slot = await this.#book(bot, chatId, n);
    try {
      return await send();
    } finally {
      slot.t = this.#now();
    }
  }

  /** Waits until `n` messages fit and books them (dated now). */
  async acquire(bot: string, chatId: number, n = 1): Promise<void> {
    const slot = await this.#book(bot, chatId, n);
    slot.t = this.#now();
  }

  #book(bot: string, chatId: number, n: number): Promise<Slot> {
    const slot: Slot = { t: Infinity };
    if (!Number.isFinite(this.#limits.groupPerWindow)) return Promise.resolve(slot);
    const key = `${bot}:${chatId}`;
    const prev = this.#chains.get(key) ?? Promise.resolve();
    const mine = prev.then(async () => {
      const chat = this.#window(bot, chatId, chatId > 0);
      const global = this.#window(bot, "global", false);
      for (;;) {
        const now = this.#now();
        const wait = Math.max(chat.waitFor(now, n), global.waitFor(now, n));
        if (wait <= 0) {
          chat.take(n, slot);
          global.take(n, slot);
          return;
        }
        await sleep(wait);
      }
    });
    this.#chains.set(key, mine);
    void mine.finally(() => {
      if (this.#chains.get(key) === mine) this.#chains.delete(key);
    });
    return mine.then(() => slot);
  }

  /** Telegram answered 429 for this chat: hold it for `retryAfterSec` Telegram seconds. */
  backOff(bot: string, chatId: number, retryAfterSec: number): void {
    const until = this.#now() + retryAfterSec * 1000 * this.#limits.timeScale;
    this.#window(bot, chatId, chatId > 0).blockUntil(until);
  }

  /** Real milliseconds that `retryAfterSec` Telegram seconds last. */
  scaled(retryAfterSec: number): number {
    return retryAfterSec * 1000 * this.#limits.timeScale;
  }
}
