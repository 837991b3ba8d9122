/**
 * A ticket's full conversation as a standalone HTML file: both sides and internal notes,
 * with times in the team's time zone, media listed by kind and file name, and the ticket's
 * events (taken, transferred, closed…) in between. Everything taken from users is escaped.
 *
 * @module
 */
import type { Client, Manager, MessageRecord } from "../../domain/records.ts";
import type { TicketEvent } from "../../domain/ticket.ts";
import { type Lang, t, type TextKey } from "../../i18n/mod.ts";
import { getClient, listManagers } from "../../storage/people.ts";
import { getSettings } from "../../storage/settings.ts";
import { getTicket, listEvents, listMessages } from "../../storage/tickets.ts";
import type { ServiceDeps } from "../deps.ts";
import { formatTime, personName } from "../post.ts";
import { clientLabel, escapeHtml } from "./format.ts";

/** The history file of ticket `n`, or null when there is no such ticket. */
export async function historyFile(
  deps: Pick<ServiceDeps, "kv" | "clock">,
  n: number,
  lang: Lang,
): Promise<{ fileName: string; bytes: Uint8Array } | null> {
  const tk = await getTicket(deps.kv, n);
  if (!tk) return null;
  const [messages, events, client, managers, settings] = await Promise.all([
    listMessages(deps.kv, n),
    listEvents(deps.kv, n),
    getClient(deps.kv, tk.clientId),
    listManagers(deps.kv),
    getSettings(deps.kv),
  ]);
  const html = renderHistory({
    lang,
    number: n,
    topic: tk.topic,
    status: t(lang, `status_${tk.status}`),
    client,
    clientId: tk.clientId,
    managers: new Map(managers.map((m) => [m.id, m])),
    messages,
    events,
    time: (at) => formatTime(at, settings.timeZone),
    timeZone: settings.timeZone,
    generated: formatTime(deps.clock.now(), settings.timeZone),
  });
  return { fileName: `ticket_${n}.html`, bytes: new TextEncoder().encode(html) };
}

/** What {@linkcode renderHistory} needs. */
export interface HistoryInput {
  lang: Lang;
  number: number;
  topic: string;
  status: string;
  client: Client | null;
  clientId: number;
  managers: Map<number, Manager>;
  messages: MessageRecord[];
  events: TicketEvent[];
  time: (at: number) => string;
  timeZone: string;
  generated: string;
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:820px;margin:2em auto;color:#222}
.m{border-radius:8px;padding:.5em .8em;margin:.5em 0;white-space:pre-wrap;word-wrap:break-word}
.in{background:#eef4ff;margin-right:15%}.out{background:#eaf7ea;margin-left:15%}
.note{background:#fff6d9;margin-left:15%;font-style:italic}.system{color:#666}
.h{font-size:.85em;color:#555}.media{color:#555}.e{color:#777;font-size:.85em;text-align:center}`;

/** Renders the history page (pure; every value from users is escaped). */
export function renderHistory(h: HistoryInput): string {
  const L = (key: TextKey, params: Record<string, string | number> = {}) => t(h.lang, key, params);
  const who = (id: number) => {
    if (id === h.clientId) return clientLabel(h.client, id);
    const m = h.managers.get(id);
    return m ? personName(m) : `id ${id}`;
  };
  type Row = { at: number; order: number; html: string };
  const rows: Row[] = [];
  for (const m of h.messages) {
    const sender = m.direction === "in"
      ? L("desk_hist_client", { name: who(m.senderId) })
      : m.direction === "system"
      ? L("desk_hist_system")
      : L(m.direction === "note" ? "desk_hist_note" : "desk_hist_manager", {
        name: who(m.senderId),
      });
    const media = m.kind === "text"
      ? ""
      : `<div class="media">${
        escapeHtml(L("desk_hist_media", { kind: m.kind, file: m.fileName ?? "" }).trim())
      }</div>`;
    const flags = [
      m.editedAt !== undefined ? L("desk_hist_edited") : "",
      m.deletedAt !== undefined ? L("desk_hist_deleted") : "",
      m.delivery === "failed" ? L("desk_hist_failed", { reason: m.failure ?? "" }) : "",
    ].filter(Boolean).map(escapeHtml).join(" · ");
    rows.push({
      at: m.at,
      order: m.seq,
      html: `<div class="m ${m.direction}"><div class="h">${escapeHtml(h.time(m.at))} · ${
        escapeHtml(sender)
      }${flags ? " · " + flags : ""}</div>${media}${
        m.text !== undefined ? `<div>${escapeHtml(m.text)}</div>` : ""
      }</div>`,
    });
  }
  h.events.forEach((e, i) => {
    if (e.type === "replied") return;
    const text = L(`desk_ev_${e.type}` as TextKey, {
      who: e.actor.role === "system"
        ? L("desk_hist_system")
        : e.actor.role === "client"
        ? L("desk_hist_client", { name: who(e.actor.id) })
        : who(e.actor.id),
      manager: e.managerId !== undefined ? who(e.managerId) : "",
      score: e.score ?? "",
      comment: e.comment ?? "",
      priority: e.priority ? L(`prio_${e.priority}`) : "",
      other: e.other ?? "",
    });
    rows.push({
      at: e.at,
      order: (e as TicketEvent & { seq?: number }).seq ?? i,
      html: `<div class="e">${escapeHtml(h.time(e.at))} · ${escapeHtml(text)}</div>`,
    });
  });
  rows.sort((a, b) => a.at - b.at || a.order - b.order);
  const title = L("desk_hist_title", { number: h.number, topic: h.topic });
  const meta = L("desk_hist_meta", {
    client: clientLabel(h.client, h.clientId),
    id: h.clientId,
    status: h.status,
    tz: h.timeZone,
    generated: h.generated,
  });
  return `<!DOCTYPE html>
<html lang="${h.lang}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>${STYLE}</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(meta)}</p>
${rows.map((r) => r.html).join("\n")}
</body></html>
`;
}
