/**
 * The leases one process holds (see `storage/leases.ts`), renewed by one heartbeat while any
 * is held, so that work which waits long inside (a send paced behind a group's limit) keeps
 * its lease, and work whose lease was lost anyway (a process frozen past it) stops.
 *
 * @module
 */
import type { Logger } from "../log.ts";
import { releaseLease, renewLeases, takeLease } from "../storage/leases.ts";

/** Leases held by this process. */
export class LeaseHolder {
  /** This process's owner id in the lease records. */
  readonly owner = crypto.randomUUID();
  readonly #held = new Set<string>();
  readonly #lost = new Set<string>();
  #timer: ReturnType<typeof setInterval> | null = null;
  #beating: Promise<void> | null = null;

  /** `ms`: how long a lease lasts unrenewed, i.e. how soon a dead process's work is taken over. */
  constructor(readonly kv: Deno.Kv, readonly ms: number, readonly log: Logger) {}

  /** Takes `name`; when another process holds it, says when to try again (ms from now). */
  async take(name: string): Promise<{ ok: true } | { ok: false; retryInMs: number }> {
    const now = Date.now();
    const r = await takeLease(this.kv, name, this.owner, now, this.ms);
    if (!r.taken) return { ok: false, retryInMs: Math.max(0, r.until - now) + 10 };
    this.#held.add(name);
    this.#lost.delete(name);
    this.#timer ??= setInterval(() => void this.#beat(), Math.max(50, this.ms / 3));
    return { ok: true };
  }

  /** Whether `name` is still ours (false once another process took it over). */
  holds(name: string): boolean {
    return this.#held.has(name) && !this.#lost.has(name);
  }

  /** Gives `name` up. */
  async release(name: string): Promise<void> {
    this.#held.delete(name);
    this.#lost.delete(name);
    if (this.#held.size === 0 && this.#timer !== null) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
    await releaseLease(this.kv, name, this.owner);
  }

  #beat(): Promise<void> {
    if (this.#beating) return this.#beating;
    this.#beating = (async () => {
      try {
        const names = [...this.#held];
        for (const n of await renewLeases(this.kv, names, this.owner, Date.now(), this.ms)) {
          this.#lost.add(n);
          this.log.warn("a lease ran out and was taken over: its work stops here", { lease: n });
        }
      } catch (e) {
        // the next beat tries again; a lease runs out only after three missed beats
        this.log.warn("leases not renewed", { err: e });
      } finally {
        this.#beating = null;
      }
    })();
    return this.#beating;
  }
}
