/**
 * Privacy requests: everything stored about a client as one JSON document, or all of it
 * deleted.
 *
 * @module
 */
import { getSettings } from "../../storage/settings.ts";
import { collectClientData, deleteClientData } from "../../storage/setup.ts";
import type { SetupDeps } from "./deps.ts";
import { managerApi } from "./managers.ts";

/** The client's data as a JSON document, or null when nothing is stored about them. */
export async function exportClient(
  deps: Pick<SetupDeps, "kv" | "clock">,
  clientId: number,
): Promise<Uint8Array | null> {
  const data = await collectClientData(deps.kv, clientId);
  if (!data.client && data.tickets.length === 0) return null;
  const doc = { exportedAt: new Date(deps.clock.now()).toISOString(), clientId, ...data };
  return new TextEncoder().encode(JSON.stringify(doc, null, 2));
}

/**
 * Deletes everything stored about a client; the tickets' channel posts (which name the
 * client) are deleted too, as far as Telegram allows. Returns the deleted ticket numbers.
 */
export async function deleteClient(deps: SetupDeps, clientId: number): Promise<number[]> {
  const done = await deleteClientData(deps.kv, clientId);
  const s = await getSettings(deps.kv);
  const api = await managerApi(deps);
  for (const p of done.posts) {
    if (!api || s.channelId === null || p.postId === null) continue;
    await api.deleteMessage(s.channelId, p.postId).catch((e) =>
      deps.log.warn("could not delete a ticket post", { ticket: p.ticket, err: e })
    );
  }
  deps.log.info("client data deleted", { client: clientId, tickets: done.tickets.length });
  return done.tickets;
}
