/**
 * The team's private note on a customer, one per customer: what every manager should know
 * before answering them (a VIP, a reseller, "always asks for an invoice"). Part of what is
 * stored about the customer: exported and deleted with them (storage/setup.ts).
 *
 * @module
 */
import { K } from "./keys.ts";

/** A note on a customer, with who wrote it last and when. */
export interface ClientNote {
  text: string;
  /** Telegram id of the manager or admin who wrote it. */
  by: number;
  at: number;
}

/** The note on customer `clientId`, or null. */
export async function getClientNote(kv: Deno.Kv, clientId: number): Promise<ClientNote | null> {
  return (await kv.get<ClientNote>(K.clientNote(clientId))).value;
}

/** Sets the note on customer `clientId` (a later one replaces it), or clears it with null. */
export async function setClientNote(
  kv: Deno.Kv,
  clientId: number,
  note: ClientNote | null,
): Promise<void> {
  if (note) await kv.set(K.clientNote(clientId), note);
  else await kv.delete(K.clientNote(clientId));
}
