/**
 * Privacy requests: everything stored about a client as one JSON document, or all of it
 * deleted, in KV and, as far as Telegram lets bots, in the managers' chats.
 *
 * @module
 */
import { type Api, GrammyError } from "grammy";
import { getSettings } from "../../storage/settings.ts";
import { deskChats } from "../../domain/settings.ts";
import { type ClientTrace, collectClientData, deleteClientData } from "../../storage/setup.ts";
import { threadLink } from "../desk/format.ts";
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

/** Why Telegram kept some of a ticket's messages. */
export type KeptReason = "too_old" | "no_right" | "no_bot" | "failed";

/** Messages of one ticket that stay in Telegram after a deletion, with where to find them. */
export interface KeptMessages {
  ticket: number;
  reason: KeptReason;
  count: number;
  /** The ticket's thread (null when it never had one). */
  link: string | null;
}

/** What a privacy deletion did. */
export interface DeletionReport {
  /** Ticket numbers deleted from the records. */
  tickets: number[];
  /** Telegram messages deleted (or already gone). */
  deleted: number;
  /** What Telegram did not let the bots delete, per ticket and reason. */
  kept: KeptMessages[];
}

/** Bots may delete messages only while they are younger than 48 hours (Bot API deleteMessage). */
const DELETE_MAX_AGE_MS = 48 * 3600_000;
const MAX_RATE_RETRIES = 5;

/**
 * Deletes everything stored about a client, then their traces in the managers' chats: the
 * tickets' channel posts and thread roots (which name the client), the copies of the client's
 * messages and the managers' comments in the threads, and the fast lane's copies in the
 * managers' chats with the manager bot (with the answers given there). Telegram lets bots delete only messages
 * younger than 48 hours (and others' messages only with the “Delete messages” right), so what
 * stays is reported per ticket with the thread's link, for an admin to delete by hand.
 */
export async function deleteClient(deps: SetupDeps, clientId: number): Promise<DeletionReport> {
  const done = await deleteClientData(deps.kv, clientId);
  const s = await getSettings(deps.kv);
  const apis = { client: deps.apis().client, manager: await managerApi(deps) };
  const targets: ClientTrace[] = [...done.traces];
  for (const p of done.posts) {
    // the chats of the ticket's desk
    const chats = deskChats(s, p.desk);
    if (p.postId !== null && chats.channelId !== null) {
      targets.push({
        ticket: p.ticket,
        chatId: chats.channelId,
        messageId: p.postId,
        at: p.at,
        by: "manager",
      });
    }
    if (p.threadId !== null && chats.groupId !== null) {
      targets.push({
        ticket: p.ticket,
        chatId: chats.groupId,
        messageId: p.threadId,
        at: p.at,
        by: "manager",
      });
    }
  }
  const report: DeletionReport = { tickets: done.tickets, deleted: 0, kept: [] };
  const kept = new Map<string, KeptMessages>();
  const threads = new Map(
    done.posts.map((p) => [p.ticket, threadLink(deskChats(s, p.desk).groupId, p.threadId)]),
  );
  for (const tr of targets) {
    const api = apis[tr.by];
    const outcome = api ? await deleteOne(deps, api, tr) : "no_bot";
    if (outcome === "deleted") {
      report.deleted++;
      continue;
    }
    const reason: KeptReason = outcome === "refused"
      ? (deps.clock.now() - tr.at >= DELETE_MAX_AGE_MS ? "too_old" : "no_right")
      : outcome;
    const key = `${tr.ticket}:${reason}`;
    const k = kept.get(key) ??
      { ticket: tr.ticket, reason, count: 0, link: threads.get(tr.ticket) ?? null };
    k.count++;
    kept.set(key, k);
  }
  report.kept = [...kept.values()].sort((a, b) => a.ticket - b.ticket);
  deps.log.info("client data deleted", {
    client: clientId,
    tickets: done.tickets.length,
    deleted: report.deleted,
    kept: report.kept.reduce((n, k) => n + k.count, 0),
  });
  return report;
}

/** One deleteMessage, 429s waited out; a message already gone counts as deleted. */
async function deleteOne(
  deps: Pick<SetupDeps, "pacer">,
  api: Api,
  tr: ClientTrace,
): Promise<"deleted" | "refused" | "failed"> {
  for (let attempt = 0;; attempt++) {
    try {
      await api.deleteMessage(tr.chatId, tr.messageId);
      return "deleted";
    } catch (e) {
      if (!(e instanceof GrammyError)) {
        if (attempt < MAX_RATE_RETRIES) continue;
        return "failed";
      }
      if (e.error_code === 429 && attempt < MAX_RATE_RETRIES) {
        const wait = deps.pacer.scaled(e.parameters.retry_after ?? 1);
        await new Promise((r) => setTimeout(r, wait));
        continue;
      }
      if (/not found/i.test(e.description)) return "deleted";
      return "refused";
    }
  }
}
