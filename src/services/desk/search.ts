/**
 * `/search words` in the manager bot: messages of every ticket (the customer's, the team's
 * answers and internal notes) that contain all the words, newest ticket first, one line per
 * ticket with the matching words in context and a link to the message in its thread.
 *
 * @module
 */
import { z } from "zod";
import type { MessageRecord } from "../../domain/records.ts";
import { deskChats } from "../../domain/settings.ts";
import { t } from "../../i18n/mod.ts";
import { scanMessages } from "../../storage/search.ts";
import { getSettings } from "../../storage/settings.ts";
import { getTicket } from "../../storage/tickets.ts";
import type { ServiceDeps } from "../deps.ts";
import type { DeskUser } from "./access.ts";
import { deskButton } from "../callback_data.ts";
import { escapeHtml, type Screen, ticketThreadLink } from "./format.ts";
import type { Outcome } from "./tickets.ts";

/** Tickets shown for one search. */
export const MAX_HITS = 10;
/** Message records read for one search (the newest; older ones are not searched). */
export const MAX_SCAN = 20_000;

/** Letters compared without case, ё as е. */
export function fold(s: string): string {
  return s.toLocaleLowerCase("ru").replace(/ё/g, "е");
}

/** The words of a query: 1–8 words, each 2–50 characters, the whole at most 200. */
const query = z.string().trim().min(2).max(200)
  .transform((s) => fold(s).split(/\s+/).filter(Boolean))
  .pipe(z.array(z.string().min(2).max(50)).min(1).max(8));

/** The words of `text`, or null when it is not a valid query. */
export function queryWords(text: string): string[] | null {
  const r = query.safeParse(text);
  return r.success ? r.data : null;
}

/** About 120 characters of `text` around the first of the words found in it. */
export function snippet(text: string, words: readonly string[]): string {
  const flat = text.replace(/\s+/g, " ");
  const folded = fold(flat);
  const found = words.map((w) => folded.indexOf(w)).filter((i) => i >= 0);
  const first = found.length ? Math.min(...found) : 0;
  const from = Math.max(0, first - 50);
  const to = Math.min(flat.length, first + 70);
  return (from > 0 ? "…" : "") + flat.slice(from, to) + (to < flat.length ? "…" : "");
}

/** Where a message lives in the discussion group (its copy for the customer's messages). */
function groupMessageId(m: MessageRecord, groupId: number | null): number | null {
  if (m.direction === "in") return m.copy?.chatId === groupId ? m.copy?.messageId ?? null : null;
  return m.source.chatId === groupId ? m.source.messageId : null;
}

/** The answer to `/search words`: a screen of hits, or a refusal (bad query, nothing found). */
export async function searchScreen(
  deps: Pick<ServiceDeps, "kv">,
  user: DeskUser,
  text: string,
): Promise<Screen | Outcome> {
  const words = queryWords(text);
  if (!words) return { ok: false, text: t(user.lang, "desk_usage_search") };
  const settings = await getSettings(deps.kv);
  const hits = new Map<number, MessageRecord>();
  const { more } = await scanMessages(deps.kv, MAX_SCAN, (m) => {
    if (m.direction === "system" || m.text === undefined || hits.has(m.ticket)) return true;
    const folded = fold(m.text);
    if (words.every((w) => folded.includes(w))) hits.set(m.ticket, m);
    return hits.size < MAX_HITS;
  });
  if (!hits.size) {
    return { ok: false, text: t(user.lang, more ? "desk_search_none_recent" : "desk_search_none") };
  }
  const lines: string[] = [];
  const keyboard: Screen["keyboard"] = [];
  for (const [n, m] of hits) {
    const tk = await getTicket(deps.kv, n);
    if (!tk) continue;
    const thread = ticketThreadLink(settings, tk);
    const at = groupMessageId(m, deskChats(settings, tk.desk).groupId);
    // the message itself in its thread when it is known there, else the thread
    const link = thread && at !== null
      ? `${thread.replace(/\/\d+\?thread=/, `/${at}?thread=`)}`
      : thread;
    lines.push(
      t(user.lang, "desk_search_hit", {
        number: n,
        topic: escapeHtml(tk.topic),
        text: escapeHtml(snippet(m.text!, words)),
        link: link ? t(user.lang, "desk_search_link", { link: escapeHtml(link) }) : "",
      }).trimEnd(),
    );
    keyboard.push([{ text: `#${n}`, callback_data: deskButton({ type: "card", ticket: n }) }]);
  }
  const head = t(user.lang, "desk_search_head", {
    query: escapeHtml(words.join(" ")),
    count: hits.size,
  });
  const tail = hits.size >= MAX_HITS || more ? `\n\n${t(user.lang, "desk_search_more")}` : "";
  return { text: `${head}\n\n${lines.join("\n\n")}${tail}`, keyboard };
}
