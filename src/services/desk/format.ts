/**
 * Small pieces of the desk's messages: HTML escaping, links to threads, waiting times.
 *
 * @module
 */
import type { Client, Manager } from "../../domain/records.ts";
import type { Ticket } from "../../domain/ticket.ts";
import { type Lang, t } from "../../i18n/mod.ts";
import { personName } from "../post.ts";

// The links live in ../links.ts, which the report loads without the bots' modules.
export { postLink, threadLink, ticketThreadLink } from "../links.ts";

/** Escapes text for Telegram's HTML parse mode (and for the history file). */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(
    /"/g,
    "&quot;",
  );
}

/** A duration in the reader's language, at most two units: "2 ч 5 мин", "3 d 4 h". */
export function formatWait(lang: Lang, ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const parts: string[] = [];
  if (d) parts.push(t(lang, "desk_unit_d", { n: d }));
  if (h) parts.push(t(lang, "desk_unit_h", { n: h }));
  if (m || parts.length === 0) parts.push(t(lang, "desk_unit_m", { n: m }));
  return parts.slice(0, 2).join(" ");
}

/** "Alice Smith (@alice)" or "id 123" when the client is unknown; not escaped. */
export function clientLabel(c: Client | null, id: number): string {
  if (!c) return `id ${id}`;
  return c.username ? `${personName(c)} (@${c.username})` : personName(c);
}

/** A manager's display name, or the id when there is no record; not escaped. */
export function managerLabel(m: Manager | null, id: number | null): string {
  if (id === null) return "—";
  return m ? personName(m) : `id ${id}`;
}

/** Localized status of a ticket. */
export function statusText(lang: Lang, tk: Ticket): string {
  return t(lang, `status_${tk.status}`);
}

/** A desk message: HTML text and inline keyboard rows. */
export interface Screen {
  text: string;
  keyboard: Array<Array<{ text: string; callback_data: string } | { text: string; url: string }>>;
}
