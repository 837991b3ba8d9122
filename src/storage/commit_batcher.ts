/**
 * Group commit: independent atomic operations issued at the same moment are committed as one.
 * A KV commit costs about the same whatever it holds and commits are serialized, so under
 * load this multiplies throughput. If the combined operation fails a check, its halves are
 * committed the same way, down to members on their own, so each still gets its own answer.
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
  /** The commit's versionstamp, or null when a check failed. */
  done: (versionstamp: string | null) => void;
  fail: (e: unknown) => void;
}

/**
 * Members per combined operation: below KV's 1000 mutations per operation for ordinary members
 * (an operation over a limit throws and its members are committed one by one). 32, not 16:
 * under a relay load every batch was full with ~50 members waiting behind it (one commit is
 * in flight at a time), and fewer, larger commits cost less per member.
 */
const MAX_BATCH = 32;
/** Checks per combined operation: Deno KV takes at most 100. */
const MAX_CHECKS = 100;

class Batcher {
  #queue: Pending[] = [];
  #running = false;
  constructor(readonly kv: Deno.Kv) {}

  commit(scope: string, apply: Apply, checks: number): Promise<string | null> {
    return new Promise((done, fail) => {
      this.#queue.push({ apply, scope, checks, done, fail });
      if (!this.#running) void this.#drain();
    });
  }

  async #one(p: Pending): Promise<void> {
    try {
      const op = this.kv.atomic();
      p.apply(op);
      const res = await op.commit();
      p.done(res.ok ? res.versionstamp : null);
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
        await this.#some(batch);
      }
    } finally {
      this.#running = false;
    }
  }

  /**
   * Commits `batch` as one operation. When it fails (a member's check, or a limit), each half
   * is committed the same way: a failing member costs about 2·log2(n) commits of the others
   * instead of one each (a guess of tickets.ts's that went stale fails one member of a full
   * batch), and every member still gets its own answer.
   */
  async #some(batch: Pending[]): Promise<void> {
    if (batch.length === 1) return await this.#one(batch[0]!);
    let stamp: string | null = null;
    try {
      const op = this.kv.atomic();
      for (const p of batch) p.apply(op);
      const res = await op.commit();
      stamp = res.ok ? res.versionstamp : null;
    } catch {
      stamp = null;
    }
    if (stamp !== null) {
      for (const p of batch) p.done(stamp);
      return;
    }
    const half = Math.ceil(batch.length / 2);
    await this.#some(batch.slice(0, half));
    await this.#some(batch.slice(half));
  }
}

const batcherOf = kvState((kv) => new Batcher(kv));

/**
 * Commits `apply`'s operation, possibly together with others of other scopes; resolves to its
 * `ok`. Everything that reads and writes the same records must use the same scope. `checks`:
 * how many checks it adds (an upper bound), so that a combined operation stays within KV's.
 */
export async function groupCommit(
  kv: Deno.Kv,
  scope: string,
  apply: Apply,
  checks = 4,
): Promise<boolean> {
  return (await batcherOf(kv).commit(scope, apply, checks)) !== null;
}

/**
 * As {@linkcode groupCommit}, resolving to the versionstamp of what `apply` wrote (shared
 * with the other members of its operation), or null when a check failed: what was written
 * can then be used as read, without reading it back.
 */
export function groupCommitStamped(
  kv: Deno.Kv,
  scope: string,
  apply: Apply,
  checks = 4,
): Promise<string | null> {
  return batcherOf(kv).commit(scope, apply, checks);
}
