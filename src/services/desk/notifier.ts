/**
 * Notifications of managers in their private chat with the manager bot: a new ticket, a
 * client wrote in my ticket, a ticket reopened, a ticket transferred to me, SLA warnings, a low rating (1–2) of
 * my ticket. They go to the assigned manager, or to every active manager while the ticket is
 * unassigned; each kind can be switched off per manager (`Manager.mute`). Texts are in the
 * manager's language.
 *
 * A manager who never pressed /start in the manager bot (or blocked it) cannot be written to
 * (403): that is remembered and the notification is dropped, never retried; writing to the
 * bot again clears the mark.
 *
 * @module
 */
import { KeyedChain } from "../../chain.ts";
import { GrammyError } from "grammy";
import type { SlaThreshold } from "../../domain/sla.ts";
import type { Manager } from "../../domain/records.ts";
import type { Ticket } from "../../domain/ticket.ts";
import { t, type TextKey } from "../../i18n/mod.ts";
import { markManagerUnreachable } from "../../storage/desk.ts";
import { getClient, getManager, listManagers } from "../../storage/people.ts";
import { getSettings } from "../../storage/settings.ts";
import { getTicket } from "../../storage/tickets.ts";
import type { HelpdeskEvent, Notifier } from "../deps.ts";
import type { Helpdesk } from "../helpdesk.ts";
import { personName } from "../post.ts";
import { deskButton, type NotifyKind } from "../callback_data.ts";
import { clientLabel, escapeHtml, threadLink } from "./format.ts";

/**
 * Who hears about a ticket: its manager, or every active manager while unassigned or while
 * its manager is no longer on the team (a closed ticket of a removed manager, reopened, would
 * otherwise be heard of by nobody).
 */
async function recipients(deps: Helpdesk, tk: Ticket): Promise<Manager[]> {
  if (tk.managerId !== null) {
    const m = await getManager(deps.kv, tk.managerId);
    if (m?.active) return [m];
  }
  return team(deps);
}

/** Active managers who are not away; everyone active when all are away (someone must hear). */
async function team(deps: Helpdesk, except?: number): Promise<Manager[]> {
  const active = (await listManagers(deps.kv)).filter((m) => m.active && m.id !== except);
  const present = active.filter((m) => !m.away);
  return present.length ? present : active;
}

/** SLA warnings of an away manager's ticket go to the others: the ticket must not wait. */
async function slaRecipients(deps: Helpdesk, tk: Ticket): Promise<Manager[]> {
  if (tk.managerId !== null) {
    const m = await getManager(deps.kv, tk.managerId);
    if (m?.active && m.away) {
      const others = await team(deps, m.id);
      return others.length ? others : [m];
    }
  }
  return await recipients(deps, tk);
}

/** Sends one notification to each of `to` who has not muted `kind`; never throws. */
async function deliver(
  deps: Helpdesk,
  to: readonly Manager[],
  kind: NotifyKind,
  tk: Ticket,
  key: TextKey,
  params: Record<string, string | number> = {},
): Promise<number> {
  const api = deps.apis().manager;
  if (!api) return 0;
  const [client, settings] = await Promise.all([
    getClient(deps.kv, tk.clientId),
    getSettings(deps.kv),
  ]);
  const link = threadLink(settings.groupId, tk.threadId);
  let sent = 0;
  for (const m of to) {
    if (m.mute?.includes(kind)) continue;
    const lang = m.lang;
    const text = t(lang, key, {
      number: tk.number,
      topic: escapeHtml(tk.topic),
      client: escapeHtml(clientLabel(client, tk.clientId)),
      ...params,
    });
    const keyboard = [[{
      text: t(lang, "desk_btn_card"),
      callback_data: deskButton({ type: "card", ticket: tk.number }),
    }, ...(link ? [{ text: t(lang, "desk_btn_thread"), url: link }] : [])]];
    try {
      // paced: the manager bot's API has the pacing transformer installed (bots/pacing.ts)
      await api.sendMessage(m.id, text, {
        parse_mode: "HTML",
        reply_markup: { inline_keyboard: keyboard },
        link_preview_options: { is_disabled: true },
      });
      sent++;
    } catch (e) {
      if (
        e instanceof GrammyError && (e.error_code === 403 || /chat not found/.test(e.description))
      ) {
        // the manager has not started the bot (or blocked it): nothing to retry
        await markManagerUnreachable(deps.kv, m.id, deps.clock.now());
        deps.log.info("manager not reachable in the manager bot", {
          manager: m.id,
          description: e.description,
        });
      } else {
        deps.log.warn("manager notification failed", { manager: m.id, err: e });
      }
    }
  }
  return sent;
}

const SLA_KEYS: Record<SlaThreshold, TextKey> = {
  reaction_warn: "desk_n_sla_reaction_warn",
  reaction_breach: "desk_n_sla_reaction_breach",
  close_warn: "desk_n_sla_close_warn",
  close_breach: "desk_n_sla_close_breach",
};

/**
 * Tells the ticket's manager (all managers while unassigned) that an SLA threshold was
 * reached. Called by the notifier for `sla` events; the SLA job may call it directly.
 * Returns how many managers were told.
 */
export async function notifySla(
  deps: Helpdesk,
  ticket: Ticket,
  kind: SlaThreshold,
): Promise<number> {
  return await deliver(deps, await slaRecipients(deps, ticket), "sla", ticket, SLA_KEYS[kind]);
}

/** Handles one helpdesk event; returns how many managers were told. */
export async function notifyEvent(deps: Helpdesk, e: HelpdeskEvent): Promise<number> {
  const tk = await getTicket(deps.kv, e.ticket);
  if (!tk) return 0;
  switch (e.type) {
    case "new_ticket":
      return await deliver(
        deps,
        await recipients(deps, tk),
        "new_ticket",
        tk,
        tk.managerId === null ? "desk_n_new" : "desk_n_assigned",
      );
    case "client_wrote":
      // "client wrote in MY ticket": an unassigned ticket was announced as new already
      if (tk.managerId === null) return 0;
      return await deliver(deps, await recipients(deps, tk), "client_wrote", tk, "desk_n_wrote");
    case "transferred": {
      if (e.to === e.by) return 0;
      const to = await getManager(deps.kv, e.to);
      const by = await getManager(deps.kv, e.by);
      if (!to?.active) return 0;
      return await deliver(deps, [to], "transferred", tk, "desk_n_transferred", {
        by: escapeHtml(by ? personName(by) : String(e.by)),
      });
    }
    case "reopened": {
      // whoever reopened it knows already
      const to = (await recipients(deps, tk)).filter((m) => m.id !== e.by);
      if (e.byClient) return await deliver(deps, to, "reopened", tk, "desk_n_reopened_client");
      const by = await getManager(deps.kv, e.by);
      return await deliver(deps, to, "reopened", tk, "desk_n_reopened", {
        by: escapeHtml(by ? personName(by) : String(e.by)),
      });
    }
    case "rated":
      // the one threshold, set by the admins (Working time → Low rating)
      if (e.score > (await getSettings(deps.kv)).lowRating) return 0;
      return await deliver(
        deps,
        await recipients(deps, tk),
        "low_rating",
        tk,
        "desk_n_low_rating",
        {
          score: "★".repeat(e.score),
        },
      );
    case "sla":
      return await notifySla(deps, tk, e.threshold);
    case "undeliverable":
      // admins hear of it (admin_alerts.ts); the thread or the client is told by the outbox
      return 0;
  }
}

/**
 * The notifier given to the services (`BotDeps.notifier`). `notify` returns at once; events
 * are handled one after another in the background, and failures are logged, never thrown.
 */
export class DeskNotifier implements Notifier {
  readonly #deps: Helpdesk;
  readonly #chain = new KeyedChain();

  constructor(deps: Helpdesk) {
    this.#deps = deps;
  }

  /** Queues the event for delivery. */
  notify(e: HelpdeskEvent): void {
    void this.#chain.run("events", () =>
      notifyEvent(this.#deps, e)
        .then(() => {}, (err) => this.#deps.log.error("notification failed", { event: e, err })));
  }

  /** Resolves when every queued event has been handled. */
  idle(): Promise<void> {
    return this.#chain.idle();
  }
}
