/**
 * Clients seen from the desk: the list, search, a client's card and tickets, and blocking.
 * Blocking itself (refusals, closing open tickets silently, post marks) is
 * `services/clients.ts`.
 *
 * @module
 */
import type { Client } from "../../domain/records.ts";
import { t } from "../../i18n/mod.ts";
import { getClient, listClients } from "../../storage/people.ts";
import { getSettings } from "../../storage/settings.ts";
import { ticketsByClient } from "../../storage/tickets.ts";
import { blockClient, unblockClient } from "../clients.ts";
import type { Helpdesk } from "../helpdesk.ts";
import { formatTime } from "../post.ts";
import type { DeskUser } from "./access.ts";
import { deskButton } from "../callback_data.ts";
import { clientLabel, escapeHtml, type Screen } from "./format.ts";
import { byActivity, pageRow, paginate, ticketLine } from "./lists.ts";
import type { Outcome } from "./tickets.ts";

/** Newest clients first. */
function byNewest(a: Client, b: Client): number {
  return b.createdAt - a.createdAt || b.id - a.id;
}

function clientLine(user: DeskUser, c: Client): string {
  return t(user.lang, "desk_client_line", {
    client: escapeHtml(clientLabel(c, c.id)),
    id: c.id,
  }) + (c.blocked ? " " + t(user.lang, "desk_client_blocked_mark") : "");
}

function clientButtons(cs: readonly Client[]): Screen["keyboard"] {
  return cs.map((c) => [{
    text: clientLabel(c, c.id).slice(0, 60),
    callback_data: deskButton({ type: "client", act: "card", client: c.id }),
  }]);
}

/** A page of all clients, newest first. */
export async function clientListScreen(
  deps: Helpdesk,
  user: DeskUser,
  page: number,
): Promise<Screen> {
  const all = (await listClients(deps.kv)).sort(byNewest);
  const p = paginate(all, page);
  const head = t(user.lang, "desk_clients_head", { count: all.length });
  const body = p.items.length
    ? p.items.map((c) => clientLine(user, c)).join("\n")
    : t(user.lang, "desk_clients_empty");
  return {
    text: `${head}\n\n${body}`,
    keyboard: [
      ...clientButtons(p.items),
      ...pageRow(p.page, p.pages, (pg) => deskButton({ type: "clients", page: pg })),
    ],
  };
}

/**
 * Clients matching `query`: a Telegram id, an `@username` (exact, or its beginning), or a
 * part of the name (case-insensitive). At most `limit`, newest first.
 */
export async function findClients(deps: Helpdesk, query: string, limit = 20): Promise<Client[]> {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  if (/^\d{1,16}$/.test(q)) {
    const c = await getClient(deps.kv, Number(q));
    return c ? [c] : [];
  }
  const all = (await listClients(deps.kv)).sort(byNewest);
  if (q.startsWith("@")) {
    const u = q.slice(1);
    const exact = all.filter((c) => c.username?.toLowerCase() === u);
    if (exact.length) return exact;
    return all.filter((c) => c.username?.toLowerCase().startsWith(u)).slice(0, limit);
  }
  return all.filter((c) =>
    [c.firstName, c.lastName, c.username].filter(Boolean).join(" ").toLowerCase().includes(q)
  ).slice(0, limit);
}

/** The result of a search, as a screen. */
export async function findScreen(deps: Helpdesk, user: DeskUser, query: string): Promise<Screen> {
  const found = await findClients(deps, query);
  if (!found.length) {
    return { text: t(user.lang, "desk_find_none", { query: escapeHtml(query) }), keyboard: [] };
  }
  return {
    text: t(user.lang, "desk_find_head", { query: escapeHtml(query), count: found.length }) +
      "\n\n" + found.map((c) => clientLine(user, c)).join("\n"),
    keyboard: clientButtons(found),
  };
}

/** A client's card: who they are, their tickets at a glance, block or unblock. */
export async function clientCard(
  deps: Helpdesk,
  user: DeskUser,
  id: number,
): Promise<Screen | null> {
  const c = await getClient(deps.kv, id);
  if (!c) return null;
  const [tickets, settings] = await Promise.all([
    ticketsByClient(deps.kv, id),
    getSettings(deps.kv),
  ]);
  const lang = user.lang;
  const lines = [
    t(lang, "desk_client_card", {
      client: escapeHtml(clientLabel(c, c.id)),
      id: c.id,
      lang: c.lang,
      since: formatTime(c.createdAt, settings.timeZone),
      tickets: tickets.length,
      open: tickets.filter((tk) => tk.status !== "closed").length,
    }),
  ];
  if (c.blocked) {
    lines.push(t(lang, "desk_client_blocked", {
      time: formatTime(c.blocked.at, settings.timeZone),
      reason: escapeHtml(c.blocked.reason ?? "—"),
    }));
  }
  if (c.unreachable) lines.push(t(lang, "desk_client_unreachable"));
  return {
    text: lines.join("\n"),
    keyboard: [[
      {
        text: t(lang, "desk_btn_client_tickets"),
        callback_data: deskButton({ type: "client", act: "tickets", client: id }),
      },
      c.blocked
        ? {
          text: t(lang, "desk_btn_unblock"),
          callback_data: deskButton({ type: "client", act: "unblock", client: id }),
        }
        : {
          text: t(lang, "desk_btn_block"),
          callback_data: deskButton({ type: "client", act: "block", client: id }),
        },
    ]],
  };
}

/** Every ticket of a client (closed ones too), newest activity first. */
export async function clientTicketsScreen(
  deps: Helpdesk,
  user: DeskUser,
  id: number,
): Promise<Screen | null> {
  const c = await getClient(deps.kv, id);
  if (!c) return null;
  const [tickets, settings] = await Promise.all([
    ticketsByClient(deps.kv, id),
    getSettings(deps.kv),
  ]);
  const now = deps.clock.now();
  const shown = tickets.sort(byActivity).slice(0, 30);
  const head = t(user.lang, "desk_client_tickets", {
    client: escapeHtml(clientLabel(c, id)),
    count: tickets.length,
  });
  return {
    text: head + "\n\n" +
      (shown.length
        ? shown.map((tk) => ticketLine(user.lang, tk, c, settings, now)).join("\n\n")
        : t(user.lang, "desk_list_empty")),
    keyboard: chunk(
      shown.map((tk) => ({
        text: `#${tk.number}`,
        callback_data: deskButton({ type: "card", ticket: tk.number }),
      })),
      5,
    ),
  };
}

function chunk<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** A client named by Telegram id or `@username`, or null. */
export async function resolveClient(deps: Helpdesk, arg: string): Promise<Client | null> {
  const s = arg.trim();
  if (/^\d{1,16}$/.test(s)) return await getClient(deps.kv, Number(s));
  if (!s.startsWith("@")) return null;
  const u = s.slice(1).toLowerCase();
  return (await listClients(deps.kv)).find((c) => c.username?.toLowerCase() === u) ?? null;
}

/** Blocks a client (their open tickets are closed with a note in each thread). */
export async function blockFromDesk(
  deps: Helpdesk,
  user: DeskUser,
  id: number,
  reason?: string,
): Promise<Outcome> {
  const c = await getClient(deps.kv, id);
  if (!c) return { ok: false, text: t(user.lang, "desk_unknown_client") };
  if (c.blocked) {
    return {
      ok: false,
      text: t(user.lang, "desk_already_blocked", { client: clientLabel(c, id) }),
    };
  }
  const open = (await ticketsByClient(deps.kv, id)).filter((tk) => tk.status !== "closed").length;
  await blockClient(deps, id, user.actor, reason?.trim() || undefined);
  return {
    ok: true,
    text: t(user.lang, "desk_blocked", { client: clientLabel(c, id), closed: open }),
  };
}

/** Unblocks a client. */
export async function unblockFromDesk(
  deps: Helpdesk,
  user: DeskUser,
  id: number,
): Promise<Outcome> {
  const c = await getClient(deps.kv, id);
  if (!c) return { ok: false, text: t(user.lang, "desk_unknown_client") };
  if (!c.blocked) {
    return { ok: false, text: t(user.lang, "desk_not_blocked", { client: clientLabel(c, id) }) };
  }
  await unblockClient(deps, id);
  return { ok: true, text: t(user.lang, "desk_unblocked", { client: clientLabel(c, id) }) };
}
