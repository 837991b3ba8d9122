/**
 * A ticket seen from the desk: its card, and take / transfer / close / reopen on behalf of a
 * desk user, with the access rule of `access.ts`. The lifecycle services do the rest (client
 * notice, thread notice, post update, recorded event, notification of a new assignee).
 *
 * @module
 */
import type { Manager } from "../../domain/records.ts";
import {
  PRIORITIES,
  type Priority,
  priorityOf,
  type Ticket,
  waitState,
} from "../../domain/ticket.ts";
import { t, type TextKey } from "../../i18n/mod.ts";
import { getClientNote } from "../../storage/client_notes.ts";
import { getClient, getManager, listManagers } from "../../storage/people.ts";
import { getSettings } from "../../storage/settings.ts";
import { getTicket, ticketsByClient } from "../../storage/tickets.ts";
import type { Helpdesk } from "../helpdesk.ts";
import {
  type ActionResult,
  closeTicket,
  holdTicket,
  mergeTickets,
  prioritizeTicket,
  reopenTicket,
  resumeTicket,
  takeTicket,
  transferTicket,
} from "../lifecycle.ts";
import { formatTime, hashtags, personName } from "../post.ts";
import { type DeskUser, mayTouch } from "./access.ts";
import { deskButton } from "../callback_data.ts";
import {
  clientLabel,
  escapeHtml,
  formatWait,
  managerLabel,
  type Screen,
  statusText,
  ticketThreadLink,
} from "./format.ts";

/** What the desk tells the user after an action: plain text (not HTML), and whether it was done. */
export interface Outcome {
  ok: boolean;
  text: string;
}

/** The card of ticket `n` with the actions the user may take, or null when there is none. */
export async function ticketCard(
  deps: Helpdesk,
  user: DeskUser,
  n: number,
): Promise<Screen | null> {
  const tk = await getTicket(deps.kv, n);
  if (!tk) return null;
  const lang = user.lang;
  const [client, manager, settings, note] = await Promise.all([
    getClient(deps.kv, tk.clientId),
    tk.managerId !== null ? getManager(deps.kv, tk.managerId) : null,
    getSettings(deps.kv),
    getClientNote(deps.kv, tk.clientId),
  ]);
  const now = deps.clock.now();
  const link = ticketThreadLink(settings, tk);
  const lines = [
    t(lang, "desk_card_title", { number: tk.number, topic: escapeHtml(tk.topic) }),
    t(lang, "desk_card_status", { status: statusText(lang, tk) }),
    t(lang, "desk_card_client", {
      client: escapeHtml(clientLabel(client, tk.clientId)),
      id: tk.clientId,
    }),
    // read at every showing: a changed note shows at once
    ...(note ? [t(lang, "desk_card_note", { note: escapeHtml(note.text) })] : []),
    t(lang, "desk_card_manager", {
      manager: tk.managerId === null
        ? t(lang, "desk_unassigned")
        : escapeHtml(managerLabel(manager, tk.managerId)),
    }),
    t(lang, "desk_card_created", { time: formatTime(tk.createdAt, settings.timeZone) }),
    t(lang, "desk_card_priority", {
      priority: `${t(lang, `prio_mark_${priorityOf(tk)}`)} ${t(lang, `prio_${priorityOf(tk)}`)}`,
    }),
  ];
  if (tk.tags?.length) {
    lines.push(t(lang, "desk_card_tags", { tags: escapeHtml(hashtags(tk.tags)) }));
  }
  if (tk.mergedInto !== undefined) {
    lines.push(t(lang, "desk_card_merged_into", { other: tk.mergedInto }));
  }
  if (tk.mergedFrom?.length) {
    lines.push(
      t(lang, "desk_card_merged_from", { list: tk.mergedFrom.map((x) => `#${x}`).join(", ") }),
    );
  }
  if (tk.waitingSince !== null && tk.status !== "closed") {
    lines.push(t(lang, "desk_card_waiting", { wait: formatWait(lang, now - tk.waitingSince) }));
  }
  if (tk.status !== "closed") {
    lines.push(
      tk.hold
        ? t(lang, "desk_card_hold", { reason: escapeHtml(tk.hold.reason) })
        : t(lang, waitState(tk) === "customer" ? "desk_card_customer" : "desk_card_team"),
    );
  }
  if (client?.blocked) lines.push(t(lang, "desk_card_blocked"));
  if (link) lines.push(t(lang, "desk_card_link", { link: escapeHtml(link) }));
  const b = (text: TextKey, act: Parameters<typeof deskButton>[0]) => ({
    text: t(lang, text),
    callback_data: deskButton(act),
  });
  const keyboard: Screen["keyboard"] = [];
  if (tk.status === "closed") {
    keyboard.push([b("desk_btn_reopen", { type: "act", act: "reopen", ticket: n })]);
  } else {
    keyboard.push([
      ...(tk.managerId === null
        ? [b("desk_btn_take", { type: "act", act: "take", ticket: n })]
        : []),
      b("desk_btn_transfer", { type: "act", act: "tr", ticket: n }),
      b("desk_btn_close", { type: "act", act: "close", ticket: n }),
    ]);
    keyboard.push([b("desk_btn_merge", { type: "act", act: "merge", ticket: n })]);
    keyboard.push([
      b("desk_btn_canned", { type: "pick", ticket: n }),
      ...(tk.hold ? [b("desk_btn_unhold", { type: "act", act: "unhold", ticket: n })] : []),
    ]);
    keyboard.push(
      PRIORITIES.filter((p) => p !== priorityOf(tk)).map((p) => ({
        text: `${t(lang, `prio_mark_${p}`)} ${t(lang, `prio_${p}`)}`,
        callback_data: deskButton({ type: "prio", ticket: n, priority: p }),
      })),
    );
  }
  keyboard.push([
    b("desk_btn_history", { type: "history", ticket: n }),
    b("desk_btn_client", { type: "client", act: "card", client: tk.clientId }),
  ]);
  if (link) keyboard.push([{ text: t(lang, "desk_btn_thread"), url: link }]);
  return { text: lines.join("\n"), keyboard };
}

function refusal(user: DeskUser, n: number, r: ActionResult & { ok: false }): Outcome {
  return { ok: false, text: t(user.lang, `reason_${r.reason}` as TextKey, { number: n }) };
}

/** The ticket, if it exists and the user may change it; otherwise the refusal to show. */
export async function touchable(
  deps: Helpdesk,
  user: DeskUser,
  n: number,
): Promise<{ ticket: Ticket } | Outcome> {
  const tk = await getTicket(deps.kv, n);
  if (!tk) return { ok: false, text: t(user.lang, "reason_not_found", { number: n }) };
  if (!mayTouch(user.actor, tk)) {
    return { ok: false, text: t(user.lang, "desk_not_yours", { number: n }) };
  }
  return { ticket: tk };
}

/** Take, close, reopen or take off hold ticket `n` for the user. */
export async function actOnTicket(
  deps: Helpdesk,
  user: DeskUser,
  n: number,
  act: "take" | "close" | "reopen" | "unhold",
): Promise<Outcome> {
  // anyone on the team may take an unassigned ticket; the other actions need access
  if (act !== "take") {
    const got = await touchable(deps, user, n);
    if (!("ticket" in got)) return got;
  }
  const r = act === "take"
    ? await takeTicket(deps, n, user.actor)
    : act === "close"
    ? await closeTicket(deps, n, user.actor)
    : act === "unhold"
    ? await resumeTicket(deps, n, user.actor)
    : await reopenTicket(deps, n, user.actor);
  if (!r.ok) return refusal(user, n, r);
  const key = act === "take"
    ? "mgr_taken"
    : act === "close"
    ? "mgr_closed"
    : act === "unhold"
    ? "desk_resumed"
    : "mgr_reopened";
  return { ok: true, text: t(user.lang, key, { number: n }) };
}

/** Active managers a ticket can be handed to (everyone but its current manager). */
export async function transferTargets(deps: Helpdesk, tk: Ticket): Promise<Manager[]> {
  return (await listManagers(deps.kv)).filter((m) => m.active && m.id !== tk.managerId);
}

/** The choice of the manager to hand ticket `n` to, or a refusal. */
export async function transferMenu(
  deps: Helpdesk,
  user: DeskUser,
  n: number,
): Promise<Screen | Outcome> {
  const got = await touchable(deps, user, n);
  if (!("ticket" in got)) return got;
  if (got.ticket.status === "closed") {
    return { ok: false, text: t(user.lang, "reason_closed", { number: n }) };
  }
  // a screenful of buttons: Telegram refuses a keyboard of hundreds (/transfer N @name works)
  const targets = (await transferTargets(deps, got.ticket)).slice(0, 30);
  if (!targets.length) return { ok: false, text: t(user.lang, "desk_no_managers") };
  return {
    text: t(user.lang, "desk_transfer_choose", { number: n }),
    keyboard: [
      ...targets.map((m) => [{
        text: personName(m) + (m.username ? ` (@${m.username})` : ""),
        callback_data: deskButton({ type: "transfer", ticket: n, to: m.id }),
      }]),
      [{
        text: t(user.lang, "desk_btn_back"),
        callback_data: deskButton({ type: "card", ticket: n }),
      }],
    ],
  };
}

/** Hands ticket `n` to manager `to`; the new manager is notified by the lifecycle service. */
export async function transferTo(
  deps: Helpdesk,
  user: DeskUser,
  n: number,
  to: number,
): Promise<Outcome> {
  const got = await touchable(deps, user, n);
  if (!("ticket" in got)) return got;
  const target = await getManager(deps.kv, to);
  if (!target?.active) return { ok: false, text: t(user.lang, "desk_unknown_manager") };
  const r = await transferTicket(deps, n, user.actor, to);
  if (!r.ok) return refusal(user, n, r);
  return {
    ok: true,
    text: t(user.lang, "desk_transferred", { number: n, manager: personName(target) }),
  };
}

/** An active manager named by `@username` or Telegram id, or null. */
export async function resolveManager(deps: Helpdesk, arg: string): Promise<Manager | null> {
  const s = arg.trim();
  if (/^\d{1,16}$/.test(s)) {
    const m = await getManager(deps.kv, Number(s));
    return m?.active ? m : null;
  }
  const name = s.replace(/^@/, "").toLowerCase();
  if (!/^\w{3,32}$/.test(name)) return null;
  return (await listManagers(deps.kv)).find((m) =>
    m.active && m.username?.toLowerCase() === name
  ) ?? null;
}

/** Hands ticket `n` to the manager named by `arg` (`@username` or id). */
export async function transferByArg(
  deps: Helpdesk,
  user: DeskUser,
  n: number,
  arg: string,
): Promise<Outcome> {
  const target = await resolveManager(deps, arg);
  if (!target) return { ok: false, text: t(user.lang, "desk_unknown_manager") };
  return await transferTo(deps, user, n, target.id);
}

/** A priority as typed (`urgent`, `срочный`, `high`, `высокий`, `normal`, `обычный`), or null. */
export function parsePriority(arg: string): Priority | null {
  const v = arg.trim().toLowerCase();
  if (/^(urgent|срочн\S*|u)$/.test(v)) return "urgent";
  if (/^(high|высок\S*|h)$/.test(v)) return "high";
  if (/^(normal|обычн\S*|n)$/.test(v)) return "normal";
  return null;
}

/** Sets the priority of ticket `n` for the user. */
export async function prioritize(
  deps: Helpdesk,
  user: DeskUser,
  n: number,
  priority: Priority,
): Promise<Outcome> {
  const got = await touchable(deps, user, n);
  if (!("ticket" in got)) return got;
  const r = await prioritizeTicket(deps, n, user.actor, priority);
  if (!r.ok) return refusal(user, n, r);
  return {
    ok: true,
    text: t(user.lang, "desk_priority_set", {
      number: n,
      priority: t(user.lang, `prio_${priority}`),
    }),
  };
}

/** `/priority 12 urgent`: the same from a typed argument (`arg` is what follows the number). */
export async function prioritizeByArg(
  deps: Helpdesk,
  user: DeskUser,
  n: number,
  arg: string,
): Promise<Outcome> {
  const p = parsePriority(arg);
  if (!p) return { ok: false, text: t(user.lang, "desk_usage_priority") };
  return await prioritize(deps, user, n, p);
}

/** Longest hold reason kept (it is shown on the post and in lists). */
export const MAX_HOLD_REASON = 200;

/** Puts ticket `n` on hold for the user; the reason is required. */
export async function holdFor(
  deps: Helpdesk,
  user: DeskUser,
  n: number,
  reason: string,
): Promise<Outcome> {
  const why = reason.trim().replace(/\s+/g, " ");
  if (!why || [...why].length > MAX_HOLD_REASON) {
    return { ok: false, text: t(user.lang, "desk_usage_hold", { max: MAX_HOLD_REASON }) };
  }
  const got = await touchable(deps, user, n);
  if (!("ticket" in got)) return got;
  const r = await holdTicket(deps, n, user.actor, why);
  if (!r.ok) return refusal(user, n, r);
  return { ok: true, text: t(user.lang, "desk_held", { number: n }) };
}

/** Merges duplicate `n` into `into` for the user. */
export async function mergeFor(
  deps: Helpdesk,
  user: DeskUser,
  n: number,
  into: number,
): Promise<Outcome> {
  const got = await touchable(deps, user, n);
  if (!("ticket" in got)) return got;
  const r = await mergeTickets(deps, n, into, user.actor);
  if (!r.ok) {
    return {
      ok: false,
      text: t(user.lang, `reason_${r.reason}` as TextKey, { number: n, other: into }),
    };
  }
  return { ok: true, text: t(user.lang, "desk_merged", { number: n, other: into }) };
}

/** `/merge 12` in a thread, `/merge 5 12` in the manager bot: `arg` names the target. */
export async function mergeByArg(
  deps: Helpdesk,
  user: DeskUser,
  n: number,
  arg: string,
): Promise<Outcome> {
  const m = arg.trim().match(/^#?(\d{1,9})$/);
  if (!m) return { ok: false, text: t(user.lang, "desk_usage_merge") };
  return await mergeFor(deps, user, n, Number(m[1]));
}

/** The choice of the ticket to merge `n` into: the client's other open tickets. */
export async function mergeMenu(
  deps: Helpdesk,
  user: DeskUser,
  n: number,
): Promise<Screen | Outcome> {
  const got = await touchable(deps, user, n);
  if (!("ticket" in got)) return got;
  if (got.ticket.status === "closed") {
    return { ok: false, text: t(user.lang, "reason_closed", { number: n }) };
  }
  const others = (await ticketsByClient(deps.kv, got.ticket.clientId))
    .filter((x) => x.number !== n && x.status !== "closed").slice(0, 20);
  if (!others.length) return { ok: false, text: t(user.lang, "desk_merge_none", { number: n }) };
  return {
    text: t(user.lang, "desk_merge_choose", { number: n }),
    keyboard: [
      ...others.map((x) => [{
        text: `#${x.number} · ${x.topic}`.slice(0, 60),
        callback_data: deskButton({ type: "merge", ticket: n, into: x.number }),
      }]),
      [{
        text: t(user.lang, "desk_btn_back"),
        callback_data: deskButton({ type: "card", ticket: n }),
      }],
    ],
  };
}
