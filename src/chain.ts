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
