/**
 * A Deno.Kv that counts what the service asks of it, for the cost per message: commits (an
 * atomic operation's commit, or a plain set / delete, each one write transaction) and reads
 * (get, getMany, list: round trips, and the keys they returned). The service gets it in place
 * of the real handle; nothing of the storage API changes for counting.
 *
 * @module
 */

/** What was asked of the KV since the last reset. */
export interface KvCounts {
  /** Write transactions: atomic commits, plain sets and deletes. */
  commits: number;
  /** Read round trips: get, getMany, and each list call. */
  reads: number;
  /** Entries those reads returned (a getMany of 3 keys counts 3). */
  readKeys: number;
  /** Read round trips by the first part of the (first) key read or listed. */
  readsBy: Record<string, number>;
  /** Keys set or deleted (in atomic operations and plain calls) by the first part of the key. */
  writesBy: Record<string, number>;
}

/** Wraps `kv`; `counts` grows with every call, `reset` sets it back to zero. */
export function countingKv(kv: Deno.Kv): { kv: Deno.Kv; counts: KvCounts; reset(): void } {
  const counts: KvCounts = { commits: 0, reads: 0, readKeys: 0, readsBy: {}, writesBy: {} };
  const write = (key: unknown) => {
    const k = String(Array.isArray(key) ? key[0] : "?");
    counts.writesBy[k] = (counts.writesBy[k] ?? 0) + 1;
  };
  const read = (key: unknown) => {
    counts.reads++;
    const k = String(Array.isArray(key) ? key[0] : "?");
    counts.readsBy[k] = (counts.readsBy[k] ?? 0) + 1;
  };
  const wrapOp = (op: Deno.AtomicOperation): Deno.AtomicOperation => {
    const proxy: Deno.AtomicOperation = new Proxy(op, {
      get(target, prop) {
        const v = Reflect.get(target, prop, target);
        if (typeof v !== "function") return v;
        if (prop === "commit") {
          return () => {
            counts.commits++;
            return v.call(target);
          };
        }
        // chained calls (check().set()…) go on through the proxy, so the commit is counted
        return (...args: unknown[]) => {
          if (prop === "set" || prop === "delete") write(args[0]);
          const r = v.apply(target, args);
          return r === target ? proxy : r;
        };
      },
    });
    return proxy;
  };
  const wrapped = new Proxy(kv, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      if (typeof v !== "function") return v;
      switch (prop) {
        case "atomic":
          return () => wrapOp(target.atomic());
        case "set":
        case "delete":
          return (...args: unknown[]) => {
            counts.commits++;
            write(args[0]);
            return v.apply(target, args);
          };
        case "get":
          return async (...args: unknown[]) => {
            read(args[0]);
            const r = await v.apply(target, args);
            if (r.versionstamp !== null) counts.readKeys++;
            return r;
          };
        case "getMany":
          return async (...args: unknown[]) => {
            read((args[0] as unknown[])[0]);
            const r = await v.apply(target, args) as Deno.KvEntryMaybe<unknown>[];
            counts.readKeys += r.filter((e) => e.versionstamp !== null).length;
            return r;
          };
        case "list":
          return (...args: unknown[]) => {
            const sel = args[0] as { prefix?: unknown; start?: unknown };
            read(sel.prefix ?? sel.start);
            const it = v.apply(target, args) as Deno.KvListIterator<unknown>;
            const next = it.next.bind(it);
            it.next = async () => {
              const r = await next();
              if (!r.done) counts.readKeys++;
              return r;
            };
            return it;
          };
        default:
          return v.bind(target);
      }
    },
  });
  return {
    kv: wrapped,
    counts,
    reset() {
      counts.commits = 0;
      counts.reads = 0;
      counts.readKeys = 0;
      counts.readsBy = {};
      counts.writesBy = {};
    },
  };
}

/**
 * Wraps `kv` so that, while `discard` is on, writes are answered as committed but never reach
 * the KV: what the relay costs without its durable writes (reads still go to the KV, so they
 * see none of what was "written"; a diagnostic for the benchmark, never for a service).
 */
export function discardingKv(kv: Deno.Kv): { kv: Deno.Kv; discard: boolean } {
  const state = { kv, discard: false };
  let n = 0;
  const stamp = () => (++n).toString(16).padStart(20, "f");
  const fakeOp = (): Deno.AtomicOperation => {
    const op: Deno.AtomicOperation = new Proxy({} as Deno.AtomicOperation, {
      get(_t, prop) {
        if (prop === "commit") return () => Promise.resolve({ ok: true, versionstamp: stamp() });
        return () => op;
      },
    });
    return op;
  };
  state.kv = new Proxy(kv, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      if (typeof v !== "function") return v;
      if (prop === "atomic") return () => state.discard ? fakeOp() : target.atomic();
      if (prop === "set" || prop === "delete") {
        return (...args: unknown[]) =>
          state.discard
            ? Promise.resolve({ ok: true, versionstamp: stamp() })
            : v.apply(target, args);
      }
      return v.bind(target);
    },
  });
  return state;
}
