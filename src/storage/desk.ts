/**
 * Records of the managers' desk: canned answers, notification switches of a manager, and
 * managers the manager bot cannot write to.
 *
 * @module
 */
import type { Manager } from "../domain/records.ts";
import { K } from "./keys.ts";
import { CONFLICT, retryKv } from "./retry.ts";

/** A short answer saved by the team, sent into a ticket by name. */
export interface CannedReply {
  /** Lower-case name, `[a-z0-9_-]`, 1–24 characters. */
  name: string;
  /** The text for clients of any language without their own version. */
  text: string;
  /** Versions for clients of one language (their Telegram's), when the team wrote them. */
  texts?: { ru?: string; en?: string };
  /** Telegram id of the manager who saved it last. */
  by: number;
  at: number;
}

/** Saves (or replaces) a canned answer. */
export async function putCanned(kv: Deno.Kv, c: CannedReply): Promise<void> {
  await kv.set(K.deskCanned(c.name), c);
}

/** Reads a canned answer by name. */
export async function getCanned(kv: Deno.Kv, name: string): Promise<CannedReply | null> {
  return (await kv.get<CannedReply>(K.deskCanned(name))).value;
}

/** Deletes a canned answer; false when there was none. */
export async function deleteCanned(kv: Deno.Kv, name: string): Promise<boolean> {
  const entry = await kv.get(K.deskCanned(name));
  if (entry.versionstamp === null) return false;
  return (await kv.atomic().check(entry).delete(K.deskCanned(name)).commit()).ok;
}

/** Every canned answer, by name. */
export async function listCanned(kv: Deno.Kv): Promise<CannedReply[]> {
  const out: CannedReply[] = [];
  for await (const e of kv.list<CannedReply>({ prefix: K.deskCannedAll() })) out.push(e.value);
  return out;
}

/**
 * Switches one kind of notification off (`muted`) or on for a manager, atomically with a
 * check so that a concurrent change of the record is not lost. Null when there is no record.
 */
export async function setManagerMute(
  kv: Deno.Kv,
  managerId: number,
  kind: string,
  muted: boolean,
): Promise<Manager | null> {
  return await retryKv(`mute for manager ${managerId}`, async () => {
    const entry = await kv.get<Manager>(K.manager(managerId));
    if (!entry.value) return null;
    const rest = (entry.value.mute ?? []).filter((k) => k !== kind);
    const next: Manager = { ...entry.value, mute: muted ? [...rest, kind] : rest };
    return (await kv.atomic().check(entry).set(K.manager(managerId), next).commit()).ok
      ? next
      : CONFLICT;
  });
}

/** Remembers that the manager bot cannot write to a manager (403). */
export async function markManagerUnreachable(kv: Deno.Kv, id: number, at: number): Promise<void> {
  await kv.set(K.deskUnreachable(id), at);
}

/** Forgets the mark (the manager wrote to the bot); true when there was one. */
export async function clearManagerUnreachable(kv: Deno.Kv, id: number): Promise<boolean> {
  const entry = await kv.get(K.deskUnreachable(id));
  if (entry.versionstamp === null) return false;
  await kv.delete(K.deskUnreachable(id));
  return true;
}

/** Whether the manager bot got 403 from this manager since they last wrote to it. */
export async function isManagerUnreachable(kv: Deno.Kv, id: number): Promise<boolean> {
  return (await kv.get(K.deskUnreachable(id))).versionstamp !== null;
}

/** Marks a manager away or back; null when there is no record. Atomic, like the mute switch. */
export async function setManagerAway(
  kv: Deno.Kv,
  managerId: number,
  away: boolean,
): Promise<Manager | null> {
  for (;;) {
    const entry = await kv.get<Manager>(K.manager(managerId));
    if (!entry.value) return null;
    const next: Manager = { ...entry.value, away };
    if ((await kv.atomic().check(entry).set(K.manager(managerId), next).commit()).ok) return next;
  }
}

/**
 * Sets a manager's own working hours, or clears them (null: the team's hours); null when there
 * is no record. Atomic, like the away switch.
 */
export async function setManagerHours(
  kv: Deno.Kv,
  managerId: number,
  hours: Manager["hours"] | null,
): Promise<Manager | null> {
  for (;;) {
    const entry = await kv.get<Manager>(K.manager(managerId));
    if (!entry.value) return null;
    const { hours: _old, ...rest } = entry.value;
    const next: Manager = hours ? { ...rest, hours } : rest;
    if ((await kv.atomic().check(entry).set(K.manager(managerId), next).commit()).ok) return next;
  }
}

/**
 * Takes the next of `candidates` (ids in a stable order) after the one who got the last ticket
 * of rotation `scope`, and records it as the last, atomically: two tickets created at once
 * never go to the same manager because of a lost update. Null when there is no candidate.
 */
export async function nextInRotation(
  kv: Deno.Kv,
  scope: string,
  candidates: readonly number[],
): Promise<number | null> {
  if (!candidates.length) return null;
  return await retryKv(`pick the next manager of ${scope}`, async () => {
    const entry = await kv.get<number>(K.deskRotation(scope));
    const last = entry.value;
    // the first candidate after the last one (ids sorted), wrapping round
    const next = candidates.find((id) => last === null || id > last) ?? candidates[0]!;
    const ok = (await kv.atomic().check(entry).set(K.deskRotation(scope), next).commit()).ok;
    return ok ? next : CONFLICT;
  });
}

/** What a fast-lane notification carries: the client's message `seq` of ticket `ticket`. */
export interface FastLaneRef {
  ticket: number;
  seq: number;
  /** When the notification was sent (bots may delete only messages younger than 48 h). */
  at?: number;
  /** The message is the manager's own answer `seq` (an edit of it is relayed). */
  own?: boolean;
}

/** How long a reply to a fast-lane notification still answers the client. */
const FAST_LANE_TTL_MS = 30 * 86_400_000;

/**
 * Remembers that the manager bot's messages `messageIds` in the manager's chat carry `ref`,
 * so that the manager's reply to any of them answers that client.
 */
export async function saveFastLaneRefs(
  kv: Deno.Kv,
  managerId: number,
  messageIds: readonly number[],
  ref: FastLaneRef,
): Promise<void> {
  const op = kv.atomic();
  for (const id of messageIds) {
    op.set(K.fastLane(managerId, id), ref, { expireIn: FAST_LANE_TTL_MS });
  }
  await op.commit();
}

/** The client message a fast-lane notification carries, or null for any other message. */
export async function getFastLaneRef(
  kv: Deno.Kv,
  managerId: number,
  messageId: number,
): Promise<FastLaneRef | null> {
  return (await kv.get<FastLaneRef>(K.fastLane(managerId, messageId))).value;
}
