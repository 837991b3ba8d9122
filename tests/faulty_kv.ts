/**
 * A real Deno KV whose writes fail on demand: a full disk, a database locked for longer than
 * its timeout, or a process killed between two writes all look the same from the code that
 * wrote them. Reads always pass through untouched.
 *
 * @module
 */

/** Controls of {@linkcode faultyKv}. */
export interface FaultyKv {
  /** The KV to hand to the service. */
  kv: Deno.Kv;
  /** The next `times` writes touching a key `match` accepts fail (an atomic one as a whole). */
  failWrites(match: (key: Deno.KvKey) => boolean, times?: number, message?: string): void;
  /** Disarms every fault. */
  clear(): void;
  /** Writes failed so far. */
  readonly failed: number;
}

interface Fault {
  match: (key: Deno.KvKey) => boolean;
  left: number;
  message: string;
}

/** Wraps `inner` so that chosen writes throw as SQLite does when it cannot write. */
export function faultyKv(inner: Deno.Kv): FaultyKv {
  const faults: Fault[] = [];
  let failed = 0;
  const maybeFail = (keys: Deno.KvKey[]) => {
    const f = faults.find((f) => f.left > 0 && keys.some(f.match));
    if (!f) return;
    f.left--;
    failed++;
    throw new TypeError(f.message);
  };
  const atomic = () => {
    const op = inner.atomic();
    const keys: Deno.KvKey[] = [];
    const proxy: Deno.AtomicOperation = new Proxy(op, {
      get(target, prop) {
        if (prop === "commit") {
          return () => {
            maybeFail(keys);
            return target.commit();
          };
        }
        const v = Reflect.get(target, prop, target);
        if (typeof v !== "function") return v;
        return (...args: unknown[]) => {
          if (
            prop === "set" || prop === "delete" || prop === "sum" || prop === "min" ||
            prop === "max"
          ) {
            keys.push(args[0] as Deno.KvKey);
          }
          v.apply(target, args);
          return proxy;
        };
      },
    });
    return proxy;
  };
  const kv = new Proxy(inner, {
    get(target, prop) {
      if (prop === "atomic") return atomic;
      const v = Reflect.get(target, prop, target);
      if (typeof v !== "function") return v;
      if (prop === "set" || prop === "delete") {
        return (key: Deno.KvKey, ...rest: unknown[]) => {
          try {
            maybeFail([key]);
          } catch (e) {
            return Promise.reject(e);
          }
          return (v as (...a: unknown[]) => unknown).apply(target, [key, ...rest]);
        };
      }
      return v.bind(target);
    },
  });
  return {
    kv,
    failWrites(match, times = 1, message = "database is locked") {
      faults.push({ match, left: times, message });
    },
    clear() {
      faults.length = 0;
    },
    get failed() {
      return failed;
    },
  };
}
