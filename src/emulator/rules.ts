/**
 * The emulator's Telegram rules in one place: size limits, rate limits, who sees which
 * message. docs/emulator.md describes the same rules for people.
 */
import { ApiError } from "./errors.ts";

/** Size and count limits Telegram enforces (Bot API docs and observed behaviour). */
export const LIMITS = {
  textMax: 4096,
  captionMax: 1024,
  callbackDataMaxBytes: 64,
  /** Buttons of one inline keyboard (observed: more is "reply markup is too long"). */
  inlineButtonsMax: 100,
  /** Bytes of a reply_markup's JSON (observed: past ~10 KB, "reply markup is too long"). */
  replyMarkupMaxBytes: 10_240,
  /** getFile refuses files above this (cloud Bot API). */
  downloadMaxBytes: 20 * 1024 * 1024,
  /** multipart uploads above this are refused. */
  uploadMaxBytes: 50 * 1024 * 1024,
  mediaGroupMin: 2,
  mediaGroupMax: 10,
  messageIdsMax: 100,
  callbackAnswerTextMax: 200,
  /** Telegram seconds a callback query may still be answered (never below 2 real s). */
  callbackQueryTtlSec: 15,
  /** Telegram seconds after which a bot can no longer delete a message (2 days) */
  deleteMaxAgeSec: 2 * 86400,
  pollOptionsMin: 2,
  pollOptionsMax: 12,
  descriptionMax: 512,
  shortDescriptionMax: 120,
  nameMax: 64,
  /** kept per bot in the call log */
  callLogMax: 10_000,
} as const;

/** Telegram's broadcast limits per bot (all in Telegram seconds). */
export const RATE = {
  /** private chat: token bucket refilled at 1 message/s, bursts up to privateBurst */
  privatePerSec: 1,
  privateBurst: 3,
  /** group or channel: sliding window of 20 messages per 60 s */
  groupPerWindow: 20,
  groupWindowSec: 60,
  /** whole bot: sliding window of 30 messages per 1 s */
  globalPerWindow: 30,
  globalWindowSec: 1,
} as const;

/** Scales Telegram time to real time: timeScale 0.01 makes a Telegram minute last 600 ms. */
export class Clock {
  constructor(public timeScale = 1) {}
  /** Real milliseconds for a duration in Telegram seconds. */
  realMs(telegramSec: number): number {
    return telegramSec * 1000 * this.timeScale;
  }
  /** Telegram seconds (fractional) for a duration in real milliseconds. */
  telegramSec(realMs: number): number {
    return realMs / (1000 * this.timeScale);
  }
}

class Window {
  ts: number[] = [];
  head = 0;
  /** 0 if n more events fit now, else real ms until they do. */
  waitFor(now: number, windowMs: number, cap: number, n: number): number {
    while (this.head < this.ts.length && this.ts[this.head]! <= now - windowMs) this.head++;
    if (this.head > 64) {
      this.ts = this.ts.slice(this.head);
      this.head = 0;
    }
    const count = this.ts.length - this.head;
    if (count + n <= cap) return 0;
    const mustExpire = Math.min(count + n - cap, count);
    return this.ts[this.head + mustExpire - 1]! + windowMs - now;
  }
  take(now: number, n: number): void {
    for (let i = 0; i < n; i++) this.ts.push(now);
  }
}

class Bucket {
  constructor(public tokens: number, public last: number) {}
}

/** The kind of chat a message goes to, for rate limiting. */
export type LimitChatKind = "private" | "group";

/**
 * Per-bot rate limiter. A call that would exceed any limit throws 429 "Too Many Requests:
 * retry after N" where N is whole Telegram seconds (at least 1): a client waits
 * N * timeScale real seconds.
 */
export class RateLimiter {
  enabled = true;
  private windows = new Map<string, Window>();
  private buckets = new Map<string, Bucket>();
  /** 429 answers per bot id. */
  readonly tooMany = new Map<number, number>();

  constructor(private clock: Clock) {}

  /** Accounts for n messages from bot to chat, or throws 429. */
  take(botId: number, kind: LimitChatKind, chatId: number, n: number): void {
    if (!this.enabled) return;
    const now = performance.now();
    const globalKey = `${botId}`;
    let global = this.windows.get(globalKey);
    if (!global) this.windows.set(globalKey, global = new Window());
    let wait = global.waitFor(
      now,
      this.clock.realMs(RATE.globalWindowSec),
      RATE.globalPerWindow,
      n,
    );
    const key = `${botId}:${chatId}`;
    let win: Window | undefined;
    let bucket: Bucket | undefined;
    if (kind === "group") {
      win = this.windows.get(key);
      if (!win) this.windows.set(key, win = new Window());
      wait = Math.max(
        wait,
        win.waitFor(now, this.clock.realMs(RATE.groupWindowSec), RATE.groupPerWindow, n),
      );
    } else {
      bucket = this.buckets.get(key);
      if (!bucket) this.buckets.set(key, bucket = new Bucket(RATE.privateBurst, now));
      const perMs = RATE.privatePerSec / this.clock.realMs(1);
      bucket.tokens = Math.min(RATE.privateBurst, bucket.tokens + (now - bucket.last) * perMs);
      bucket.last = now;
      // Why: an album may overdraw the bucket (Telegram accepts a 10-item album in a private
      // chat), the debt then delays the next messages.
      if (bucket.tokens < 1) wait = Math.max(wait, (1 - bucket.tokens) / perMs);
    }
    if (wait > 0) {
      this.tooMany.set(botId, (this.tooMany.get(botId) ?? 0) + 1);
      const retry = Math.max(1, Math.ceil(this.clock.telegramSec(wait)));
      throw new ApiError(429, `Too Many Requests: retry after ${retry}`, { retry_after: retry });
    }
    global.take(now, n);
    win?.take(now, n);
    if (bucket) bucket.tokens -= n;
  }

  /** Forgets all history (e.g. when limits are switched back on). */
  reset(): void {
    this.windows.clear();
    this.buckets.clear();
  }
}

/** What the visibility rule needs to know about a bot's place in a chat. */
export interface SeeInput {
  botId: number;
  botUsername: string;
  privacy: boolean;
  chatType: "private" | "supergroup" | "channel";
  /** status of the bot in the chat */
  status: string;
  /** the author is a bot (any bot, including this one) */
  senderIsBot: boolean;
  /** text or caption and its entities */
  text?: string;
  /** author id of the message replied to, if any */
  replyToAuthorId?: number;
}

/**
 * Whether a bot gets an update for a message. Rules: no bot sees messages of bots (its own
 * included); in a group an admin bot or a bot with privacy mode off sees everything; a bot
 * with privacy mode on sees only commands (/cmd or /cmd@itself) and replies to itself;
 * in a channel only admin bots are members at all.
 */
export function botSeesMessage(i: SeeInput): boolean {
  if (i.senderIsBot) return false;
  const active = i.status === "creator" || i.status === "administrator" || i.status === "member";
  if (!active) return false;
  if (i.chatType === "private") return true;
  if (i.status === "creator" || i.status === "administrator") return true;
  if (i.chatType === "channel") return false;
  if (!i.privacy) return true;
  if (i.replyToAuthorId === i.botId) return true;
  const t = i.text;
  if (t && t[0] === "/") {
    const m = /^\/[A-Za-z0-9_]+(?:@([A-Za-z0-9_]+))?/.exec(t);
    if (m) return !m[1] || m[1].toLowerCase() === i.botUsername.toLowerCase();
  }
  return false;
}

/** Update types a bot gets when allowed_updates is empty or was never set. */
export const DEFAULT_EXCLUDED_UPDATES = new Set([
  "chat_member",
  "message_reaction",
  "message_reaction_count",
]);
