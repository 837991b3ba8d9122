/**
 * Ticket lists of the desk: open tickets (all, mine, unassigned, waiting too long), newest
 * activity first, a page at a time.
 *
 * @module
 */
import type { Client } from "../../domain/records.ts";
import { type Settings, targetsFor } from "../../domain/settings.ts";
import { PRIORITIES, priorityOf, type Ticket, waitState } from "../../domain/ticket.ts";
import { type Lang, t } from "../../i18n/mod.ts";
import { clientsOf } from "../../storage/people.ts";
import { getSettings } from "../../storage/settings.ts";
import { ticketsByStatus } from "../../storage/tickets.ts";
import type { ServiceDeps } from "../deps.ts";
import type { DeskUser } from "./access.ts";
import { deskButton, type DeskView } from "../callback_data.ts";
import { hashtags } from "../post.ts";
import {
  clientLabel,
  escapeHtml,
  formatWait,
  type Screen,
  statusText,
  ticketThreadLink,
} from "./format.ts";

/** Tickets (or clients) per page. */
export const PAGE_SIZE = 10;

/** One page of `items`; `page` is clamped into range (an old button after the list shrank). */
export function paginate<T>(
  items: readonly T[],
  page: number,
  size = PAGE_SIZE,
): { items: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const p = Math.min(Math.max(0, Math.floor(page)), pages - 1);
  return { items: items.slice(p * size, p * size + size), page: p, pages };
}

/** Newest activity first; the higher number first on a tie, so the order is stable. */
export function byActivity(a: Ticket, b: Ticket): number {
  return b.lastActivityAt - a.lastActivityAt || b.number - a.number;
}

/** Most urgent first, then newest activity first: what needs the team comes first. */
export function byPriority(a: Ticket, b: Ticket): number {
  return PRIORITIES.indexOf(priorityOf(a)) - PRIORITIES.indexOf(priorityOf(b)) || byActivity(a, b);
}

/** Whether the client has waited longer than the ticket's reaction target (wall-clock time). */
export function isLate(tk: Ticket, settings: Settings, now: number): boolean {
  return tk.waitingSince !== null &&
    now - tk.waitingSince > targetsFor(settings, priorityOf(tk)).reactionTargetMs;
}

/**
 * Open and in-progress tickets matching `view` (and carrying `tag`, when given), most urgent
 * first, then newest activity.
 */
export async function openTickets(
  deps: Pick<ServiceDeps, "kv">,
  view: DeskView,
  viewerId: number,
  now: number,
  tag?: string,
): Promise<Ticket[]> {
  const [open, working, settings] = await Promise.all([
    ticketsByStatus(deps.kv, "open"),
    ticketsByStatus(deps.kv, "in_progress"),
    getSettings(deps.kv),
  ]);
  const keep = (tk: Ticket) =>
    view === "mine"
      ? tk.managerId === viewerId
      : view === "un"
      ? tk.managerId === null
      : view === "late"
      ? isLate(tk, settings, now)
      : view === "team"
      ? waitState(tk) === "team"
      : view === "cust"
      ? waitState(tk) === "customer"
      : view === "hold"
      ? waitState(tk) === "hold"
      : true;
  const tagged = (tk: Ticket) => tag === undefined || (tk.tags ?? []).includes(tag);
  return [...open, ...working].filter((tk) => keep(tk) && tagged(tk)).sort(byPriority);
}

/** One ticket as a line of a list (HTML). */
export function ticketLine(
  lang: Lang,
  tk: Ticket,
  client: Client | null,
  settings: Settings,
  now: number,
): string {
  const link = ticketThreadLink(settings, tk);
  return [
    (priorityOf(tk) === "normal" ? "" : t(lang, `prio_mark_${priorityOf(tk)}`) + " ") +
    t(lang, "desk_line", {
      number: tk.number,
      topic: escapeHtml(tk.topic),
      client: escapeHtml(clientLabel(client, tk.clientId)),
      status: statusText(lang, tk),
    }),
    tk.waitingSince !== null && tk.status !== "closed"
      ? t(lang, "desk_line_waiting", { wait: formatWait(lang, now - tk.waitingSince) })
      : "",
    waitState(tk) === "customer" ? t(lang, "desk_line_customer") : "",
    tk.hold ? t(lang, "desk_line_hold", { reason: escapeHtml(tk.hold.reason) }) : "",
    tk.tags?.length ? escapeHtml(hashtags(tk.tags)) : "",
    link ? t(lang, "desk_line_link", { link: escapeHtml(link) }) : "",
  ].filter(Boolean).join(" · ");
}

const VIEWS: readonly DeskView[] = ["all", "mine", "un", "late"];
/** The second row of filters: who the tickets wait for. */
const WAIT_VIEWS: readonly DeskView[] = ["team", "cust", "hold"];

/**
 * A page of a ticket list, with ticket buttons, page navigation and the filters; `tag` keeps
 * only the tickets carrying it, and the buttons keep the tag.
 */
export async function ticketListScreen(
  deps: Pick<ServiceDeps, "kv" | "clock">,
  user: DeskUser,
  view: DeskView,
  page: number,
  tag?: string,
): Promise<Screen> {
  const now = deps.clock.now();
  const lang = user.lang;
  const [all, settings] = await Promise.all([
    openTickets(deps, view, user.actor.id, now, tag),
    getSettings(deps.kv),
  ]);
  const p = paginate(all, page);
  const clients = await clientsOf(deps.kv, p.items);
  const head = t(lang, `desk_list_${view}`, { count: all.length }) +
    (tag ? " " + t(lang, "desk_list_tag", { tag: escapeHtml(hashtags([tag])) }) : "");
  const body = p.items.length
    ? p.items.map((tk) => ticketLine(lang, tk, clients.get(tk.clientId) ?? null, settings, now))
      .join("\n\n")
    : t(lang, "desk_list_empty");
  const keyboard: Screen["keyboard"] = [];
  for (let i = 0; i < p.items.length; i += 5) {
    keyboard.push(
      p.items.slice(i, i + 5).map((tk) => ({
        text: `#${tk.number}`,
        callback_data: deskButton({ type: "card", ticket: tk.number }),
      })),
    );
  }
  const list = (v: DeskView, pg: number) =>
    deskButton({ type: "list", view: v, page: pg, ...(tag ? { tag } : {}) });
  keyboard.push(...pageRow(p.page, p.pages, (pg) => list(view, pg)));
  for (const row of [VIEWS, WAIT_VIEWS]) {
    keyboard.push(row.map((v) => ({
      text: (v === view ? "• " : "") + t(lang, `desk_view_${v}`),
      callback_data: list(v, 0),
    })));
  }
  // the way back to the whole list
  if (tag) {
    keyboard.push([{
      text: t(lang, "desk_btn_untagged", { tag: hashtags([tag]) }),
      callback_data: deskButton({ type: "list", view, page: 0 }),
    }]);
  }
  return {
    text: `${head}\n\n${body}${p.pages > 1 ? "\n\n" + t(lang, "desk_page", p2(p)) : ""}`,
    keyboard,
  };
}

function p2(p: { page: number; pages: number }) {
  return { page: p.page + 1, pages: p.pages };
}

/** ◀ page/pages ▶, as one row (none when everything fits on one page). */
export function pageRow(
  page: number,
  pages: number,
  data: (page: number) => string,
): Screen["keyboard"] {
  if (pages <= 1) return [];
  return [[
    { text: "◀", callback_data: data(page > 0 ? page - 1 : pages - 1) },
    { text: `${page + 1}/${pages}`, callback_data: data(page) },
    { text: "▶", callback_data: data(page < pages - 1 ? page + 1 : 0) },
  ]];
}
