/**
 * The one retry loop of optimistic KV changes: read, decide, commit with checks, and read
 * again when a check failed because someone changed the records meanwhile.
 *
 * @module
 */
import { ConflictError } from "../errors.ts";

/** What an attempt returns when its commit's checks failed: the change is tried again. */
export const CONFLICT: unique symbol = Symbol("conflict");

/** Attempts before a change is given up: enough for hundreds of writers on one record. */
export const KV_ATTEMPTS = 200;

/** Options of {@linkcode retryKv}. */
export interface RetryOptions<T> {
  /** Attempts before giving up (default {@linkcode KV_ATTEMPTS}). */
  attempts?: number;
  /** The answer once every attempt conflicted; without it a {@linkcode ConflictError}. */
  exhausted?: () => T;
}

/** SQLite answers "database is locked" when another handle holds the file: try again. */
export function isBusy(e: unknown): boolean {
  return e instanceof Error && /database is locked|SQLITE_BUSY/i.test(e.message);
}

/** A short random pause once a change conflicted a few times, so that writers spread out. */
function backoff(attempt: number): Promise<void> {
  if (attempt < 3) return Promise.resolve();
  return new Promise((r) => setTimeout(r, Math.random() * Math.min(50, attempt * 2)));
}

/**
 * Runs `attempt` until it returns something other than {@linkcode CONFLICT}, at most
 * `attempts` times. A busy database (another handle holds the file) counts as a conflict
 * and waits a little longer. `what` completes the error message: "Cannot {what}: too many
 * concurrent changes".
 */
export async function retryKv<T>(
  what: string,
  attempt: () => Promise<T | typeof CONFLICT>,
  o: RetryOptions<T> = {},
): Promise<T> {
  const attempts = o.attempts ?? KV_ATTEMPTS;
  for (let i = 0; i < attempts; i++) {
    let r: T | typeof CONFLICT;
    try {
      r = await attempt();
    } catch (e) {
      if (!isBusy(e)) throw e;
      await backoff(i + 3);
      continue;
    }
    if (r !== CONFLICT) return r;
    await backoff(i);
  }
  if (o.exhausted) return o.exhausted();
  throw new ConflictError(`Cannot ${what}: too many concurrent changes`);
}
