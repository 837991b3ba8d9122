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

class Window {
  readonly #stamps: number[] = [];
  constructor(readonly limit: number, readonly spanMs: number) {}
  /** Real ms to wait until `n` more sends fit; 0 when they fit now. */
  waitFor(now: number, n: number): number {
    while (this.#stamps.length && (this.#stamps[0] ?? 0) <= now - this.spanMs) this.#stamps.shift();
    if (this.#stamps.length + n <= this.limit) return 0;
    // an album larger than the limit goes out once the window is empty
    if (n > this.limit) return this.#stamps.length === 0 ? 0 : (this.#stamps.at(-1) ?? now) + this.spanMs - now + 1;
    const idx = this.#stamps.length + n - this.limit - 1;
    return (this.#stamps[idx] ?? now) + this.spanMs - now + 1;
  }
  take(now: number, n: number): void {
    for (let i = 0; i < n; i++) this.#stamps.push(now);
  }
  /** Nothing may be sent before `until` (after a 429). */
  blockUntil(until: number): void {
    this.#stamps.length = 0;
    for (let i = 0; i < this.limit; i++) this.#stamps.push(until - this.spanMs);
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

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
      // a small margin: requests reach Telegram a little after we book them, unevenly
      const real = span * l.timeScale;
      w = new Window(limit, real + Math.max(2, real * 0.01));
      this.#windows.set(key, w);
    }
    return w;
  }

  /**
   * Waits until `n` messages may be sent by `bot` into `chatId`, then books them.
   * Private chats have positive ids; groups and channels negative ones.
   */
  acquire(bot: string, chatId: number, n = 1): Promise<void> {
    if (!Number.isFinite(this.#limits.groupPerWindow)) return Promise.resolve();
    const key = `${bot}:${chatId}`;
    const prev = this.#chains.get(key) ?? Promise.resolve();
    const mine = prev.then(async () => {
      const chat = this.#window(bot, chatId, chatId > 0);
      const global = this.#window(bot, "global", false);
      for (;;) {
        const now = this.#now();
        const wait = Math.max(chat.waitFor(now, n), global.waitFor(now, n));
        if (wait <= 0) {
          chat.take(now, n);
          global.take(now, n);
          return;
        }
        await sleep(wait);
      }
    });
    this.#chains.set(key, mine);
    void mine.finally(() => {
      if (this.#chains.get(key) === mine) this.#chains.delete(key);
    });
    return mine;
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
