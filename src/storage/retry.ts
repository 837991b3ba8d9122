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

/** How long a write keeps trying against another process's lock before its error is let through. */
const BUSY_BUDGET_MS = 10_000;

/**
 * Runs `write` until it does not meet a lock. Such a write was rolled back whole (denokv runs
 * each commit in one SQLite transaction), so trying it again is safe.
 */
async function whileBusy<T>(write: () => Promise<T>): Promise<T> {
  const end = performance.now() + BUSY_BUDGET_MS;
  for (let attempt = 0;; attempt++) {
    try {
      return await write();
    } catch (e) {
      if (!isBusy(e) || performance.now() > end) throw e;
      // random, growing pauses: the process holding the lock commits in well under 1 ms
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(20, 1 + attempt)));
    }
  }
}

/** An atomic operation whose commit waits out another process's lock. */
function busyRetryingOp(op: Deno.AtomicOperation): Deno.AtomicOperation {
  const proxy: Deno.AtomicOperation = new Proxy(op, {
    get(target, prop) {
      if (prop === "commit") return () => whileBusy(() => target.commit());
      const v = Reflect.get(target, prop, target);
      if (typeof v !== "function") return v;
      // builder methods return the operation itself: keep returning the proxy
      return (...args: unknown[]) => {
        const r = v.apply(target, args);
        return r === target ? proxy : r;
      };
    },
  });
  return proxy;
}

/**
 * Wraps `kv` so that every write (`set`, `delete`, atomic commits), not only those inside
 * {@linkcode retryKv}, waits out another process's lock: a KV file shared by several
 * processes (the Deno Deploy rehearsal's instances, or a report run beside the service) keeps
 * SQLite's atomic checks across them, but a write that meets another's write lock fails with
 * "database is locked" at once instead of waiting. Reads never meet it (the file is in WAL
 * mode); everything else is passed through.
 */
export function retryBusyWrites(kv: Deno.Kv): Deno.Kv {
  return new Proxy(kv, {
    get(target, prop) {
      if (prop === "atomic") return () => busyRetryingOp(target.atomic());
      const v = Reflect.get(target, prop, target);
      if (typeof v !== "function") return v;
      if (prop === "set" || prop === "delete") {
        return (...args: unknown[]) => whileBusy(() => v.apply(target, args));
      }
      return v.bind(target);
    },
  });
}
