/**
 * Once-only markers of SLA alerts, off-hours replies and notices about strangers in threads. Claiming is an atomic
 * check-and-set, so overlapping cron runs or instances never alert twice.
 *
 * @module
 */
import { K } from "./keys.ts";
import { groupCommit } from "./commit_batcher.ts";

const TTL_MS = 90 * 24 * 3_600_000;

/** Claims an SLA threshold of a cycle; true only for the first claimer. */
export async function claimSla(
  kv: Deno.Kv,
  n: number,
  cycle: number,
  threshold: string,
  at: number,
): Promise<boolean> {
  const key = K.sla(n, cycle, threshold);
  const res = await kv.atomic().check({ key, versionstamp: null }).set(key, at, {
    expireIn: TTL_MS,
  })
    .commit();
  return res.ok;
}

/** Thresholds already reached by a cycle. */
export async function slaReached(kv: Deno.Kv, n: number, cycle: number): Promise<string[]> {
  const out: string[] = [];
  for await (const e of kv.list({ prefix: K.slaCycle(n, cycle) })) out.push(String(e.key[3]));
  return out;
}

/** Claims the off-hours reply of a cycle; true only the first time. */
export async function claimOffHours(kv: Deno.Kv, n: number, cycle: number, at: number) {
  const key = K.offHours(n, cycle);
  const res = await kv.atomic().check({ key, versionstamp: null }).set(key, at, {
    expireIn: TTL_MS,
  })
    .commit();
  return res.ok;
}

/**
 * Claims the notice about a non-manager writing in ticket `n`'s thread: true when `sender`
 * has not been noticed there within `periodMs` (a person posting 30 comments costs one
 * message of the group's shared budget, not 30).
 */
export function claimStrangerNotice(
  kv: Deno.Kv,
  n: number,
  sender: number,
  at: number,
  periodMs: number,
): Promise<boolean> {
  return claimPeriodic(kv, K.strangerNotice(n, sender), at, periodMs);
}

/** Claims the "closed, your message is kept" notice of a customer: once per `periodMs`. */
export function claimClosedNotice(
  kv: Deno.Kv,
  clientId: number,
  at: number,
  periodMs: number,
): Promise<boolean> {
  return claimPeriodic(kv, K.closedNotice(clientId), at, periodMs);
}

/** True when `key` was not claimed within `periodMs` before `at` (then it is claimed). */
async function claimPeriodic(
  kv: Deno.Kv,
  key: Deno.KvKey,
  at: number,
  periodMs: number,
): Promise<boolean> {
  const cur = await kv.get<number>(key);
  if (cur.value !== null && at - cur.value < periodMs) return false;
  const res = await kv.atomic().check(cur).set(key, at, { expireIn: periodMs + 86_400_000 })
    .commit();
  return res.ok;
}

/** The flood guard's meter of a client: messages in their current window. */
export interface FloodMeter {
  minute: number;
  count: number;
}

/**
 * One message counted on the meter as just read, not written yet: `write` goes into another
 * operation (the ticket's change that relays the message, tickets.ts `also`) instead of a
 * commit of its own; `done` tells whether that operation committed it. Not committed (its
 * check or the change's failed, or the message took another path), the caller counts it with
 * {@linkcode countClientMessage}.
 */
export interface FloodStep {
  count: number;
  write: (op: Deno.AtomicOperation) => void;
  checks: number;
  done: boolean;
}

/** The count `known` (the meter as read) gives one more message at `at`, and its write. */
export function floodStep(
  clientId: number,
  at: number,
  windowMs: number,
  known: Deno.KvEntryMaybe<FloodMeter>,
): FloodStep {
  const minute = Math.floor(at / windowMs);
  const count = known.value?.minute === minute ? known.value.count + 1 : 1;
  return {
    count,
    checks: 1,
    done: false,
    write: (op) => {
      op.check(known).set(K.flood(clientId), { minute, count }, { expireIn: 3_600_000 });
    },
  };
}

/**
 * Counts one message of a client in the current window (a Telegram minute: `windowMs` real
 * ms) and returns the count so far (an album counts once): the flood guard's meter. One
 * record per client, kept an hour.
 */
export async function countClientMessage(
  kv: Deno.Kv,
  clientId: number,
  at: number,
  windowMs = 60_000,
  /** The meter as just read (see client_inputs.ts): the first attempt reads nothing. */
  known?: Deno.KvEntryMaybe<FloodMeter>,
): Promise<number> {
  const key = K.flood(clientId);
  const minute = Math.floor(at / windowMs);
  for (let i = 0; i < 20; i++) {
    const cur = (i === 0 ? known : undefined) ?? await kv.get<FloodMeter>(key);
    const count = cur.value?.minute === minute ? cur.value.count + 1 : 1;
    // group-committed: on every client message's path, and commits are serialized (alone it
    // was one commit per message, most of a relayed message's write cost)
    const ok = await groupCommit(kv, `flood:${clientId}`, (op) => {
      op.check(cur).set(key, { minute, count }, { expireIn: 3_600_000 });
    }, 1);
    if (ok) return count;
  }
  return 0; // a meter that keeps conflicting lets the message through
}
