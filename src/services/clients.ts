/**
 * Blocking and unblocking clients. A blocked client gets a polite refusal and nothing they
 * write is relayed; their open tickets are closed with a note in each thread.
 *
 * @module
 */
import type { Actor } from "../domain/ticket.ts";
import { patchClient } from "../storage/people.ts";
import { ticketsByClient } from "../storage/tickets.ts";
import { closeTicket } from "./lifecycle.ts";
import type { Helpdesk } from "./helpdesk.ts";

/** Blocks a client; returns false when the client is unknown. */
export async function blockClient(
  deps: Helpdesk,
  clientId: number,
  by: Actor,
  reason?: string,
): Promise<boolean> {
  const at = deps.clock.now();
  const c = await patchClient(deps.kv, clientId, () => ({
    blocked: { at, by: by.id, ...(reason ? { reason } : {}) },
  }));
  if (!c) return false;
  for (const t of await ticketsByClient(deps.kv, clientId)) {
    if (t.status !== "closed") {
      await closeTicket(deps, t.number, by, { silent: true, how: "block" });
    }
    await deps.outbox.markPost(t.number);
  }
  return true;
}

/** Unblocks a client; returns false when the client is unknown. */
export async function unblockClient(deps: Helpdesk, clientId: number): Promise<boolean> {
  const c = await patchClient(deps.kv, clientId, () => ({ blocked: null }));
  if (!c) return false;
  for (const t of await ticketsByClient(deps.kv, clientId)) await deps.outbox.markPost(t.number);
  return true;
}
