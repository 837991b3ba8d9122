/**
 * The few named errors of the service. Messages follow deno std's style:
 * `Cannot close ticket #12: it is already closed`.
 *
 * @module
 */

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
