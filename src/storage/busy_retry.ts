/**
 * A KV file shared by several processes (a rehearsal of Deno Deploy's instances on one KV):
 * SQLite's atomic checks hold across processes, but a write that meets another process's
 * write lock fails with `TypeError: database is locked` instead of waiting. Such a write was
 * rolled back whole (denokv runs each commit in one SQLite transaction), so trying it again is
 * safe; {@linkcode retryBusyWrites} does that for every write of a KV handle.
 *
 * @module
 */

/** Whether `e` is SQLite refusing a write because another connection holds the lock. */
export function isBusyError(e: unknown): boolean {
  return e instanceof Error && /database is locked|SQLITE_BUSY/i.test(e.message);
}

/** How long a write keeps trying against a lock before its error is let through. */
const BUSY_BUDGET_MS = 10_000;

async function retrying<T>(write: () => Promise<T>): Promise<T> {
  const end = performance.now() + BUSY_BUDGET_MS;
  for (let attempt = 0;; attempt++) {
    try {
      return await write();
    } catch (e) {
      if (!isBusyError(e) || performance.now() > end) throw e;
      // random, growing pauses: the processes holding the lock commit in well under 1 ms
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(20, 1 + attempt)));
    }
  }
}

/** An atomic operation whose commit is retried while the file is locked. */
function retryingOp(op: Deno.AtomicOperation): Deno.AtomicOperation {
  const proxy: Deno.AtomicOperation = new Proxy(op, {
    get(target, prop) {
      if (prop === "commit") return () => retrying(() => target.commit());
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
 * Wraps `kv` so that its writes (`set`, `delete`, atomic commits) wait out another process's
 * lock; reads never meet it (the file is in WAL mode). Everything else is passed through.
 */
export function retryBusyWrites(kv: Deno.Kv): Deno.Kv {
  return new Proxy(kv, {
    get(target, prop) {
      if (prop === "atomic") return () => retryingOp(target.atomic());
      const v = Reflect.get(target, prop, target);
      if (typeof v !== "function") return v;
      if (prop === "set" || prop === "delete") {
        return (...args: unknown[]) => retrying(() => v.apply(target, args));
      }
      return v.bind(target);
    },
  });
}
