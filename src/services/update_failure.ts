/**
 * How a failed update is judged, by the poller, the webhook server and the album collector
 * alike. Not in `errors.ts`: that module is loaded by every script (config.ts imports it), and
 * scripts that never talk to Telegram need not load grammY.
 *
 * @module
 */
import { BotError, GrammyError } from "grammy";

/**
 * Whether a failed update is worth handling again: a Telegram refusal (400, 403) inside a
 * handler is final and repeating the handler would only repeat its effects; anything else
 * (a storage error, a lost connection, a bug hit by one odd record) may pass next time.
 */
export function isRetryable(err: unknown): boolean {
  const e = err instanceof BotError ? err.error : err;
  return !(e instanceof GrammyError && (e.error_code === 400 || e.error_code === 403));
}

/**
 * Whether an update failed because Telegram refused the bot's own token (401): it was revoked
 * in @BotFather and the admin has not given the new one yet. Not the update's fault and not
 * for good: it passes once the bot runs with the new token.
 */
export function isUnauthorized(err: unknown): boolean {
  const e = err instanceof BotError ? err.error : err;
  return e instanceof GrammyError && e.error_code === 401;
}
