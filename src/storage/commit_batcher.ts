/**
 * Group commit: independent atomic operations issued at the same moment are committed as one.
 * A KV commit costs about the same whatever it holds and commits are serialized, so under
 * load this multiplies throughput. If the combined operation fails a check, every member is
 * committed on its own, so each still gets its own answer.
 *
 * @module
 */
import { kvState } from "./kv_state.ts";

/** Adds one member's checks and mutations to an operation. */
export type Apply = (op: Deno.AtomicOperation) => void;

interface Pending {
  apply: Apply;
  /** Members with the same scope never share an operation (their checks would both pass). */
  scope: string;
  /** How many checks it adds (KV refuses an operation of more than 100). */
  checks: number;
  done: (ok: boolean) => void;
  fail: (e: unknown) => void;
}

/** Members per combined operation: far below KV's 1000 mutations per operation. */
const MAX_BATCH = 16;
/** Checks per combined operation: Deno KV takes at most 100. */
const MAX_CHECKS = 100;

class Batcher {
  #queue: Pending[] = [];
  #running = false;
  constructor(readonly kv: Deno.Kv) {}

  commit(scope: string, apply: Apply, checks: number): Promise<boolean> {
    return new Promise((done, fail) => {
      this.#queue.push({ apply, scope, checks, done, fail });
      if (!this.#running) void this.#drain();
    });
  }

  async #one(p: Pending): Promise<void> {
    try {
      const op = this.kv.atomic();
      p.apply(op);
      p.done((await op.commit()).ok);
    } catch (e) {
      p.fail(e);
    }
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#queue.length) {
        const batch: Pending[] = [];
        const scopes = new Set<string>();
        const rest: Pending[] = [];
        let checks = 0;
        for (const p of this.#queue) {
          const fits = batch.length === 0 || checks + p.checks <= MAX_CHECKS;
          if (batch.length < MAX_BATCH && !scopes.has(p.scope) && fits) {
            scopes.add(p.scope);
            batch.push(p);
            checks += p.checks;
          } else rest.push(p);
        }
        this.#queue = rest;
        if (batch.length === 1) {
          await this.#one(batch[0]!);
          continue;
        }
        let ok = false;
        try {
          const op = this.kv.atomic();
          for (const p of batch) p.apply(op);
          ok = (await op.commit()).ok;
        } catch {
          ok = false;
        }
        if (ok) { for (const p of batch) p.done(true); }
        else await Promise.all(batch.map((p) => this.#one(p)));
      }
    } finally {
      this.#running = false;
    }
  }
}

const batcherOf = kvState((kv) => new Batcher(kv));

/**
 * Commits `apply`'s operation, possibly together with others of other scopes; resolves to its
 * `ok`. Everything that reads and writes the same records must use the same scope. `checks`:
 * how many checks it adds (an upper bound), so that a combined operation stays within KV's.
 */
export function groupCommit(
  kv: Deno.Kv,
  scope: string,
  apply: Apply,
  checks = 4,
): Promise<boolean> {
  return batcherOf(kv).commit(scope, apply, checks);
}
