/**
 * The one way to keep process state per KV handle (a cache, a queue), so that two services
 * in one process (tests) never share it and the state goes with its handle. Every such state
 * is made here through {@linkcode kvState}: the settings cache, the ticket-creation queue, the
 * group-commit batcher, the setup signal listeners.
 *
 * @module
 */

/** An accessor of state kept per KV handle, made by `make` on first use. */
export function kvState<T>(make: (kv: Deno.Kv) => T): (kv: Deno.Kv) => T {
  const states = new WeakMap<Deno.Kv, T>();
  return (kv) => {
    if (!states.has(kv)) states.set(kv, make(kv));
    return states.get(kv)!;
  };
}
