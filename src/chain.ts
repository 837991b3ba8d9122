/**
 * The one way to run work in order per key: updates of one chat, sends to one chat, ticket
 * creations of one process. Work under different keys runs side by side.
 *
 * @module
 */

/** Promise chains by key; a key's chain is forgotten once its last work settled. */
export class KeyedChain {
  readonly #tails = new Map<string, Promise<void>>();

  /**
   * Runs `fn` once everything queued before under `key` has settled (whether it succeeded or
   * not) and resolves or rejects as `fn` does; a failure reaches only this caller.
   */
  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.#tails.get(key) ?? Promise.resolve()).then(fn);
    const tail = run.then(() => {}, () => {});
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return run;
  }

  /** Resolves once no work is queued under any key (work queued meanwhile included). */
  async idle(): Promise<void> {
    while (this.#tails.size > 0) await Promise.all(this.#tails.values());
  }
}

/**
 * One runner per key: a kick while the key's runner is busy makes it run once more when done
 * (so work added meanwhile is seen), never two at once.
 */
export class KeyedRunner {
  readonly #running = new Map<string, Promise<void>>();
  readonly #again = new Set<string>();
  readonly #onError: (key: string, e: unknown) => void;

  /** `onError`: a run that threw (the runner goes on with the next kick). */
  constructor(onError: (key: string, e: unknown) => void) {
    this.#onError = onError;
  }

  /** Makes sure `fn` runs for `key` after this call; `stopped`: no more runs. */
  kick(key: string, fn: () => Promise<void>, stopped: () => boolean = () => false): void {
    if (stopped()) return;
    if (this.#running.has(key)) {
      this.#again.add(key);
      return;
    }
    const p = (async () => {
      try {
        do {
          this.#again.delete(key);
          try {
            await fn();
          } catch (e) {
            this.#onError(key, e);
          }
        } while (this.#again.has(key) && !stopped());
      } finally {
        // in the same turn as the last look for more work: a `.finally()` would leave the
        // runner registered for a few microtasks, and a kick then would be taken as seen
        this.#running.delete(key);
      }
    })();
    this.#running.set(key, p);
  }

  /** Resolves when no runner is busy. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running.values()]);
  }
}
