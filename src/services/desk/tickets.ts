/**
 * A ticket seen from the desk: its card, and take / transfer / close / reopen on behalf of a
 * desk user, with the access rule of `access.ts`. The lifecycle services do the rest (client
 * notice, thread notice, post update, recorded event, notification of a new assignee).
 *
 * @module
 */
import type { Manager } from "../../domain/records.ts";
import type { Ticket } from "../../domain/ticket.ts";
import { t, type TextKey } from "../../i18n/mod.ts";
import { getClient, getManager, listManagers } from "../../storage/people.ts";
import { getSettings } from "../../storage/settings.ts";
import { getTicket } from "../../storage/tickets.ts";
import type { Helpdesk } from "../helpdesk.ts";
import {
  type ActionResult,
  closeTicket,
  reopenTicket,
  takeTicket,
  transferTicket,
} from "../lifecycle.ts";
import { formatTime, personName } from "../post.ts";
import { type DeskUser, mayTouch } from "./access.ts";
import { deskButton } from "../callback_data.ts";
import {
  clientLabel,
  escapeHtml,
  formatWait,
  managerLabel,
  type Screen,
  statusText,
  threadLink,
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
  const [client, manager, settings] = await Promise.all([
    getClient(deps.kv, tk.clientId),
    tk.managerId !== null ? getManager(deps.kv, tk.managerId) : null,
    getSettings(deps.kv),
  ]);
  const now = deps.clock.now();
  const link = threadLink(settings.groupId, tk.threadId);
  const lines = [
    t(lang, "desk_card_title", { number: tk.number, topic: escapeHtml(tk.topic) }),
    t(lang, "desk_card_status", { status: statusText(lang, tk) }),
    t(lang, "desk_card_client", {
      client: escapeHtml(clientLabel(client, tk.clientId)),
      id: tk.clientId,
    }),
    t(lang, "desk_card_manager", {
      manager: tk.managerId === null
        ? t(lang, "desk_unassigned")
        : escapeHtml(managerLabel(manager, tk.managerId)),
    }),
    t(lang, "desk_card_created", { time: formatTime(tk.createdAt, settings.timeZone) }),
  ];
  if (tk.waitingSince !== null && tk.status !== "closed") {
    lines.push(t(lang, "desk_card_waiting", { wait: formatWait(lang, now - tk.waitingSince) }));
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
    keyboard.push([b("desk_btn_canned", { type: "pick", ticket: n })]);
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

/** Take, close or reopen ticket `n` for the user. */
export async function actOnTicket(
  deps: Helpdesk,
  user: DeskUser,
  n: number,
  act: "take" | "close" | "reopen",
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
    : await reopenTicket(deps, n, user.actor);
  if (!r.ok) return refusal(user, n, r);
  const key = act === "take" ? "mgr_taken" : act === "close" ? "mgr_closed" : "mgr_reopened";
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
