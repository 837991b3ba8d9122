/**
 * The few named errors of the service. Messages follow deno std's style:
 * `Cannot close ticket #12: it is already closed`.
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

/** The environment is invalid; the message names every bad variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** A record the caller expected does not exist. */
export class NotFoundError extends Error {
  override name = "NotFoundError";
}

/** An atomic KV change kept conflicting and was given up. */
export class ConflictError extends Error {
  override name = "ConflictError";
}
