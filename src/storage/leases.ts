/**
 * Leases: which process does a piece of work that must have one worker across all processes
 * sharing the KV (an outbox lane, a ticket's post). A lease names its owner and lasts until a
 * time; its owner renews it while working, and a dead owner's lease runs out.
 *
 * @module
 */
import { K } from "./keys.ts";
import { CONFLICT, retryKv } from "./retry.ts";

/** A lease as stored. */
interface LeaseRecord {
  owner: string;
  /** Wall-clock ms (shared by the processes) until which the lease holds. */
  until: number;
}

/** What {@linkcode takeLease} found: taken, or held by another owner until a time. */
export type TakeResult = { taken: true } | { taken: false; until: number };

/** Takes the lease `name` for `owner` for `ms`, unless another owner holds it. */
export async function takeLease(
  kv: Deno.Kv,
  name: string,
  owner: string,
  now: number,
  ms: number,
): Promise<TakeResult> {
  const key = K.lease(name);
  return await retryKv(`take the lease ${name}`, async () => {
    const cur = await kv.get<LeaseRecord>(key);
    if (cur.value && cur.value.owner !== owner && cur.value.until > now) {
      return { taken: false, until: cur.value.until };
    }
    // KV forgets a lease long after it ran out; `until` decides, not the expiry
    const res = await kv.atomic().check(cur).set(key, { owner, until: now + ms }, {
      expireIn: ms * 10,
    }).commit();
    return res.ok ? { taken: true } : CONFLICT;
  });
}

/**
 * Extends the leases `names` held by `owner`; returns the names no longer ours (ran out and
 * taken by another owner): their work must stop.
 */
export async function renewLeases(
  kv: Deno.Kv,
  names: string[],
  owner: string,
  now: number,
  ms: number,
): Promise<string[]> {
  const lost: string[] = [];
  // getMany reads at most 10 keys at once
  for (let i = 0; i < names.length; i += 10) {
    const batch = names.slice(i, i + 10);
    const entries = await kv.getMany<LeaseRecord[]>(batch.map((n) => K.lease(n)));
    for (const [j, e] of entries.entries()) {
      const name = batch[j]!;
      if (e.value && e.value.owner !== owner && e.value.until > now) {
        lost.push(name);
        continue;
      }
      const res = await kv.atomic().check(e).set(e.key, { owner, until: now + ms }, {
        expireIn: ms * 10,
      }).commit();
      // changed meanwhile: decided at the next renewal
      if (!res.ok) continue;
    }
  }
  return lost;
}

/** Gives the lease up if `owner` still holds it. */
export async function releaseLease(kv: Deno.Kv, name: string, owner: string): Promise<void> {
  const key = K.lease(name);
  // a lease left behind runs out by itself: a few attempts are enough
  await retryKv(`give up the lease ${name}`, async () => {
    const cur = await kv.get<LeaseRecord>(key);
    if (!cur.value || cur.value.owner !== owner) return;
    return (await kv.atomic().check(cur).delete(key).commit()).ok ? undefined : CONFLICT;
  }, { attempts: 5, exhausted: () => undefined });
}
