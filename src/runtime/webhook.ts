/**
 * Webhook mode: one `Deno.serve` handler for all three bots on separate secret paths, each
 * request checked against the bot's secret header in constant time. Updates are handled
 * inside the request (Telegram redelivers when we fail, so nothing needs keeping), and the
 * first delivery attempt of what they queue happens before the answer.
 *
 * @module
 */
import { type Bot, GrammyError } from "grammy";
import type { Update } from "grammy/types";
import { KeyedChain } from "../chain.ts";
import type { Logger } from "../log.ts";
import { countUpdateFailure, type SetAsideUpdate, setAsideUpdate } from "../storage/intake.ts";
import { isRetryable, isUnauthorized } from "../services/update_failure.ts";
import { ALLOWED_UPDATES, chatKeyOf, failureReason, UPDATE_ATTEMPTS } from "./poller.ts";
import type { BotKind } from "../services/deps.ts";
import type { UpdateSource } from "./supervisor.ts";

/** Any bot the webhook server serves. */
export type WebhookBot = BotKind | "settings";

async function hmacHex(secret: string, data: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const sig = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(data));
  return [...new Uint8Array(sig)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Compares two strings in time that does not depend on where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/** Options of {@linkcode WebhookServer}. */
export interface WebhookOptions {
  /** Public https base URL, e.g. `https://helpdesk.example.com`. */
  baseUrl: string;
  /** WEBHOOK_SECRET: paths and per-bot secret tokens are derived from it. */
  secret: string;
  log: Logger;
  /** Waits (boundedly) for the delivery attempts the update queued. */
  afterUpdate: () => Promise<void>;
  /**
   * Runs before each update: brings the bots in line with the settings other instances may
   * have changed (a new token); its failure is logged, the update goes on.
   */
  beforeUpdate?: () => Promise<void>;
  /** Where failed attempts are counted and failing updates set aside. */
  kv: Deno.Kv;
  /** Time of set-aside records. */
  now: () => number;
  /** Told of every update set aside after failing {@linkcode UPDATE_ATTEMPTS} times. */
  onSetAside?: (r: SetAsideUpdate) => void;
  /** Real ms that `sec` Telegram seconds last (scaled in tests); default: seconds. */
  scaled?: (sec: number) => number;
}

/** setWebhook calls a start makes at most when Telegram answers 429. */
const SET_WEBHOOK_ATTEMPTS = 5;

/** Routes webhook requests to the bots; also an {@linkcode UpdateSource} for the supervisor. */
export class WebhookServer implements UpdateSource {
  readonly #bots = new Map<WebhookBot, Bot>();
  readonly #chains = new KeyedChain();
  readonly #o: WebhookOptions;

  constructor(o: WebhookOptions) {
    this.#o = o;
  }

  /** The secret path and header token of a bot. */
  async secretsOf(kind: WebhookBot): Promise<{ path: string; token: string }> {
    const path = `/hook/${kind}/${(await hmacHex(this.#o.secret, `path:${kind}`)).slice(0, 32)}`;
    const token = await hmacHex(this.#o.secret, `token:${kind}`);
    return { path, token };
  }

  /** Serves `kind` with `bot` and registers the webhook with Telegram. */
  async start(kind: WebhookBot, bot: Bot): Promise<void> {
    this.#bots.set(kind, bot);
    const { path, token } = await this.secretsOf(kind);
    const url = `${this.#o.baseUrl}${path}`;
    // every instance starts here (on Deno Deploy, at each cold start): a webhook already set
    // as wanted is left alone, since Telegram takes one setWebhook per bot a second and many
    // instances starting at once would queue behind each other (the path carries the secret,
    // so the same URL means the same secret token)
    const info = await bot.api.getWebhookInfo().catch(() => null);
    const allowed = new Set(info?.allowed_updates ?? []);
    const same = info?.url === url && info.max_connections === 40 &&
      allowed.size === ALLOWED_UPDATES.length && ALLOWED_UPDATES.every((u) => allowed.has(u));
    if (same) return;
    for (let attempt = 1;; attempt++) {
      try {
        await bot.api.setWebhook(url, {
          secret_token: token,
          allowed_updates: [...ALLOWED_UPDATES],
          max_connections: 40,
        });
        return;
      } catch (e) {
        // Telegram takes one setWebhook per bot a second (429 retry after 1): instances
        // starting together, or a bot restarted at once, wait their turn
        const after = e instanceof GrammyError && e.error_code === 429
          ? e.parameters.retry_after
          : undefined;
        if (after === undefined || attempt >= SET_WEBHOOK_ATTEMPTS) throw e;
        const ms = this.#o.scaled?.(after) ?? after * 1000;
        await new Promise((r) => setTimeout(r, ms));
      }
    }
  }

  /** Stops serving `kind`; the webhook stays registered (other instances may serve it). */
  stop(kind: WebhookBot): Promise<void> {
    this.#bots.delete(kind);
    return Promise.resolve();
  }

  /** Handles one HTTP request; anything but a well-signed update is refused. */
  async handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const m = url.pathname.match(/^\/hook\/(client|manager|settings)\/[0-9a-f]{32}$/);
    if (!m || req.method !== "POST") return new Response("Not Found", { status: 404 });
    const kind = m[1] as WebhookBot;
    const { path, token } = await this.secretsOf(kind);
    const header = req.headers.get("X-Telegram-Bot-Api-Secret-Token") ?? "";
    if (!constantTimeEqual(url.pathname, path) || !constantTimeEqual(header, token)) {
      return new Response("Unauthorized", { status: 401 });
    }
    await this.#o.beforeUpdate?.().catch((e) =>
      this.#o.log.warn("bots not brought in line with the settings", { err: e })
    );
    const bot = this.#bots.get(kind);
    if (!bot) return new Response("Service Unavailable", { status: 503 });
    let update: Update;
    try {
      update = await req.json();
      if (typeof update?.update_id !== "number") throw new Error("no update_id");
    } catch {
      return new Response("Bad Request", { status: 400 });
    }
    try {
      await this.#ordered(update, () => bot.handleUpdate(update));
      await this.#o.afterUpdate();
    } catch (e) {
      return await this.#failed(kind, update, e);
    }
    return new Response("ok");
  }

  /**
   * A failed update: Telegram redelivers it after a 5xx, so it is answered 500 while it may
   * pass, and 200 once it is final (a Telegram refusal inside the handler) or has failed
   * every attempt (then it is set aside for the admins), so that its chat goes on.
   */
  async #failed(kind: WebhookBot, update: Update, e: unknown): Promise<Response> {
    const { log, kv } = this.#o;
    const id = update.update_id;
    if (!isRetryable(e)) {
      log.error("webhook update failed", { bot: kind, update: id, err: e });
      return new Response("ok");
    }
    // the bot's token is revoked (a rotation under way): Telegram redelivers the update until
    // the new token is in, uncounted, or a rotation that takes the admin a minute would set a
    // customer's messages aside
    if (isUnauthorized(e)) {
      log.warn("webhook update waits for the bot's new token", { bot: kind, update: id });
      return new Response("Service Unavailable", { status: 503 });
    }
    try {
      const attempts = await countUpdateFailure(kv, kind, id);
      if (attempts === 1) {
        log.error("webhook update failed; Telegram will redeliver it", {
          bot: kind,
          update: id,
          err: e,
        });
      }
      if (attempts < UPDATE_ATTEMPTS) return new Response("Internal Server Error", { status: 500 });
      const why = { reason: failureReason(e), attempts, at: this.#o.now() };
      const rec = await setAsideUpdate(kv, kind, id, why, JSON.stringify(update));
      log.error("webhook update set aside", { bot: kind, update: id, reason: rec.reason });
      this.#o.onSetAside?.(rec);
      return new Response("ok");
    } catch (err) {
      // storage itself fails: Telegram keeps the update and asks again
      log.error("webhook update failed", { bot: kind, update: id, err: e, storage: err });
      return new Response("Internal Server Error", { status: 500 });
    }
  }

  /** Updates of one chat are handled in order; album parts wait for each other, so not them. */
  #ordered(u: Update, fn: () => Promise<void>): Promise<void> {
    if (u.message?.media_group_id) return fn();
    return this.#chains.run(chatKeyOf(u), fn);
  }
}
