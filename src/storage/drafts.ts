/**
 * A client's dialogue state with the client bot, and the messages held while they decide
 * where those messages go (nothing a client writes is dropped).
 *
 * @module
 */
import type { Message } from "grammy/types";
import { K } from "./keys.ts";
import { markInbox } from "./tickets.ts";

/** Where a client is in a dialogue. */
export type Draft =
  | { stage: "topic" }
  | { stage: "topic_text" }
  | { stage: "question"; topic: string }
  /** The topic's ready answers are shown: solved, or the client still needs help. */
  | { stage: "faq"; topic: string }
  | { stage: "held" }
  /** Messages written while the helpdesk was closed: delivered when it opens again. */
  | { stage: "closed" }
  /** `cycle`: the work period rated (absent on drafts written before: the last closed). */
  | { stage: "rate_comment"; ticket: number; promptId: number; cycle?: number };

/** A message kept until the client says which ticket it belongs to. */
export interface HeldMessage {
  updateId: number;
  message: Message;
}

const DRAFT_TTL_MS = 7 * 24 * 3_600_000;

/** Reads a client's dialogue state. */
export async function getDraft(kv: Deno.Kv, clientId: number): Promise<Draft | null> {
  return (await kv.get<Draft>(K.draft(clientId))).value;
}

/** Sets or clears a client's dialogue state. */
export async function setDraft(kv: Deno.Kv, clientId: number, draft: Draft | null): Promise<void> {
  if (draft) await kv.set(K.draft(clientId), draft, { expireIn: DRAFT_TTL_MS });
  else await kv.delete(K.draft(clientId));
}

/** Keeps a message for later; idempotent per update id. */
export async function holdMessage(kv: Deno.Kv, clientId: number, held: HeldMessage): Promise<void> {
  await kv.set(K.held(clientId, held.updateId), held, { expireIn: DRAFT_TTL_MS });
}

/**
 * Holds messages and marks their updates processed in one atomic write, so that no crash
 * or failed write between the two can lose a message; false (nothing written) when any of
 * them was processed already (a redelivery).
 */
export async function holdOnce(
  kv: Deno.Kv,
  bot: string,
  clientId: number,
  items: HeldMessage[],
  at: number,
): Promise<boolean> {
  const op = kv.atomic();
  markInbox(op, items.map((i) => ({ bot, updateId: i.updateId })), at);
  for (const i of items) op.set(K.held(clientId, i.updateId), i, { expireIn: DRAFT_TTL_MS });
  return (await op.commit()).ok;
}

/** The messages held for a client, in arrival order. */
export async function listHeld(kv: Deno.Kv, clientId: number): Promise<HeldMessage[]> {
  const out: HeldMessage[] = [];
  for await (const e of kv.list<HeldMessage>({ prefix: K.heldPrefix(clientId) })) out.push(e.value);
  return out;
}

/**
 * A held message edited before it reached a ticket (the customer corrected it while asked
 * for the topic): the held copy takes the edited content, so the ticket gets what the
 * customer sees. False when no held message is that one.
 */
export async function editHeld(kv: Deno.Kv, clientId: number, edited: Message): Promise<boolean> {
  for await (const e of kv.list<HeldMessage>({ prefix: K.heldPrefix(clientId) })) {
    if (e.value.message.message_id !== edited.message_id) continue;
    const updated: HeldMessage = { ...e.value, message: edited };
    const ok = await kv.atomic().check(e).set(e.key, updated, { expireIn: DRAFT_TTL_MS })
      .commit();
    // held meanwhile into a ticket (the record is then edited instead) or changed: told false
    return ok.ok;
  }
  return false;
}

/** Deletes held messages once they were committed to a ticket. */
export async function dropHeld(kv: Deno.Kv, clientId: number, updateIds: number[]): Promise<void> {
  const op = kv.atomic();
  for (const id of updateIds) op.delete(K.held(clientId, id));
  await op.commit();
}

/**
 * Notes (`left` true) or clears that messages kept while the helpdesk was closed are still to
 * be handed on; whether any are is `closedHoldsLeft`.
 */
export async function noteClosedHoldsLeft(kv: Deno.Kv, left: boolean, at: number): Promise<void> {
  if (left) await kv.set(K.closedHoldLeft(), at);
  else await kv.delete(K.closedHoldLeft());
}

/** Whether an opening left kept messages to hand on (see `noteClosedHoldsLeft`). */
export async function closedHoldsLeft(kv: Deno.Kv): Promise<boolean> {
  return (await kv.get(K.closedHoldLeft())).versionstamp !== null;
}

/** Clients whose dialogue is at `stage` (a scan of the dialogue records, one per client). */
export async function clientsAtStage(kv: Deno.Kv, stage: Draft["stage"]): Promise<number[]> {
  const out: number[] = [];
  for await (const e of kv.list<Draft>({ prefix: K.draftAll() })) {
    if (e.value?.stage === stage) out.push(e.key[1] as number);
  }
  return out;
}
