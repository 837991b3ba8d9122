/**
 * Notifications of managers in their private chat with the manager bot: a new ticket, the
 * client's messages in my ticket (the fast lane: each message itself), a ticket reopened, a
 * ticket transferred to me, SLA warnings, a low rating (1–2) of my ticket. They go to the assigned manager, or to every active manager while the ticket is
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
import { atWork, onShift } from "../../domain/shifts.ts";
import type { Ticket } from "../../domain/ticket.ts";
import { deskChats } from "../../domain/settings.ts";
import { t, type TextKey } from "../../i18n/mod.ts";
import type { InlineKeyboardButton, MessageEntity } from "grammy/types";
import type { MessageRecord } from "../../domain/records.ts";
import type { Lang } from "../../i18n/mod.ts";
import { markManagerUnreachable, saveFastLaneRefs } from "../../storage/desk.ts";
import { messagesOf } from "../../storage/outbox.ts";
import { withPrefix } from "../message_content.ts";
import { fitMessage } from "../text_fit.ts";
import { getClient, getManager, listManagers } from "../../storage/people.ts";
import { getSettings } from "../../storage/settings.ts";
import { getTicket } from "../../storage/tickets.ts";
import type { HelpdeskEvent, Notifier } from "../deps.ts";
import type { Helpdesk } from "../helpdesk.ts";
import { personName } from "../post.ts";
import { deskButton, type NotifyKind } from "../callback_data.ts";
import { clientLabel, escapeHtml, ticketThreadLink } from "./format.ts";

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

/**
 * SLA warnings of an away manager's ticket go to the others: the ticket must not wait. So do
 * those of a manager outside their working hours, to the ones at work (when nobody is, the
 * warning stays with its manager).
 */
async function slaRecipients(deps: Helpdesk, tk: Ticket): Promise<Manager[]> {
  if (tk.managerId !== null) {
    const m = await getManager(deps.kv, tk.managerId);
    if (m?.active && m.away) {
      const others = await team(deps, m.id);
      return others.length ? others : [m];
    }
    const [s, now] = [await getSettings(deps.kv), deps.clock.now()];
    if (m?.active && !onShift(m, s, now)) {
      const working = (await listManagers(deps.kv)).filter((x) =>
        x.id !== m.id && atWork(x, s, now)
      );
      if (working.length) return working;
    }
  }
  return await recipients(deps, tk);
}

/** Sends one notification to each of `to` who has not muted `kind`; never throws. */
async function deliver(
  deps: Helpdesk,
  to: readonly Manager[],
  /** What a manager may mute it as (null: not mutable, it is about their own answer). */
  kind: NotifyKind | null,
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
  const link = ticketThreadLink(settings, tk);
  let sent = 0;
  for (const m of to) {
    if (kind && m.mute?.includes(kind)) continue;
    const lang = m.lang;
    const text = t(lang, key, {
      number: tk.number,
      topic: escapeHtml(tk.topic),
      client: escapeHtml(clientLabel(client, tk.clientId)),
      ...params,
    });
    const keyboard = buttons(lang, tk, link);
    try {
      // paced: the manager bot's API has the pacing transformer installed (bots/pacing.ts)
      await api.sendMessage(m.id, text, {
        parse_mode: "HTML",
        reply_markup: { inline_keyboard: keyboard },
        link_preview_options: { is_disabled: true },
      });
      sent++;
    } catch (e) {
      await sendFailed(deps, m.id, e, "manager notification failed");
    }
  }
  return sent;
}

/** The buttons under a notification: the ticket's card and its thread. */
function buttons(lang: Lang, tk: Ticket, link: string | null): InlineKeyboardButton[][] {
  return [[{
    text: t(lang, "desk_btn_card"),
    callback_data: deskButton({ type: "card", ticket: tk.number }),
  }, ...(link ? [{ text: t(lang, "desk_btn_thread"), url: link }] : [])]];
}

/**
 * The manager the fast lane carries a ticket's client messages to: its assigned, active
 * manager, unless they switched "client wrote" off.
 */
async function fastLaneManager(deps: Helpdesk, tk: Ticket): Promise<Manager | null> {
  if (tk.managerId === null) return null;
  const m = await getManager(deps.kv, tk.managerId);
  return m?.active && !m.mute?.includes("client_wrote") ? m : null;
}

/**
 * The fast lane: the client's messages themselves in the assigned manager's chat with the
 * manager bot, each under a line naming the ticket and the client, with the card and thread
 * buttons; the manager answers by replying to one (bots/manager/fast_lane.ts). A text goes at
 * once (`inGroup` absent), fitted into Telegram's 4,096 characters; anything else is copied
 * from its copy in the discussion group once it is there (`inGroup`: seq → message id there),
 * since the manager bot cannot use the client bot's file_ids but may copy any message of the
 * supergroup it is a member of (telegram-bot-api Client.cpp: process_copy_message_query →
 * check_message → have_message_access). Best effort like every notification: a 403 marks
 * the manager unreachable. Returns how many messages the manager got.
 */
async function fastLane(
  deps: Helpdesk,
  tk: Ticket,
  seqs: readonly number[],
  inGroup?: ReadonlyMap<number, number>,
): Promise<number> {
  const api = deps.apis().manager;
  if (!api || !seqs.length) return 0;
  const to = await fastLaneManager(deps, tk);
  if (!to) return 0;
  const [client, settings, records] = await Promise.all([
    getClient(deps.kv, tk.clientId),
    getSettings(deps.kv),
    messagesOf(deps.kv, tk.number, [...seqs]),
  ]);
  const lang = to.lang;
  const keyboard = {
    inline_keyboard: buttons(lang, tk, ticketThreadLink(settings, tk)),
  };
  // the copies come from the group of the ticket's desk
  const groupId = deskChats(settings, tk.desk).groupId;
  const prefix = t(lang, "desk_fast_from", {
    number: tk.number,
    topic: tk.topic,
    client: clientLabel(client, tk.clientId),
  });
  const ms = records.filter((m): m is MessageRecord =>
    !!m && m.direction === "in" && (inGroup ? inGroup.has(m.seq) : m.kind === "text")
  );
  let sent = 0;
  try {
    if (inGroup && ms.length > 1 && groupId !== null) {
      // an album: one line, then its parts copied together (copyMessages keeps their captions)
      const head = await api.sendMessage(to.id, prefix, { reply_markup: keyboard });
      const ids = await api.copyMessages(
        to.id,
        groupId,
        ms.map((m) => inGroup.get(m.seq)!),
      );
      await saveFastLaneRefs(deps.kv, to.id, [head.message_id], {
        ticket: tk.number,
        seq: ms[0]!.seq,
        at: deps.clock.now(),
      });
      for (const [i, id] of ids.entries()) {
        await saveFastLaneRefs(deps.kv, to.id, [id.message_id], {
          ticket: tk.number,
          seq: ms[i]?.seq ?? ms[0]!.seq,
          at: deps.clock.now(),
        });
      }
      return ids.length + 1;
    }
    for (const m of ms) {
      const entities = ((m.entities ?? []) as MessageEntity[]).filter((e) =>
        e.type !== "custom_emoji"
      );
      const p = withPrefix(m.kind, m.text, entities, prefix);
      const ids: number[] = [];
      const at = inGroup?.get(m.seq);
      if (at === undefined) {
        const fitted = p ?? { text: fitMessage(`${prefix}\n${m.text ?? ""}`), entities: [] };
        const r = await api.sendMessage(to.id, fitted.text, {
          entities: fitted.entities,
          reply_markup: keyboard,
          link_preview_options: { is_disabled: true },
        });
        ids.push(r.message_id);
      } else if (groupId !== null && p) {
        const r = await api.copyMessage(to.id, groupId, at, {
          caption: p.text,
          caption_entities: p.entities,
          reply_markup: keyboard,
        });
        ids.push(r.message_id);
      } else if (groupId !== null) {
        // no caption to carry the line (a sticker, a location…): the line, and the copy under it
        const head = await api.sendMessage(to.id, prefix, { reply_markup: keyboard });
        const r = await api.copyMessage(to.id, groupId, at, {
          reply_parameters: { message_id: head.message_id, allow_sending_without_reply: true },
        });
        ids.push(head.message_id, r.message_id);
      }
      await saveFastLaneRefs(deps.kv, to.id, ids, {
        ticket: tk.number,
        seq: m.seq,
        at: deps.clock.now(),
      });
      sent += ids.length;
    }
  } catch (e) {
    await sendFailed(deps, to.id, e, "fast lane notification failed");
  }
  return sent;
}

/**
 * A message to a manager in the manager bot failed: a manager who has not started the bot (or
 * blocked it) is marked unreachable, there is nothing to retry; anything else is logged.
 */
async function sendFailed(
  deps: Helpdesk,
  managerId: number,
  e: unknown,
  what: string,
): Promise<void> {
  if (
    e instanceof GrammyError && (e.error_code === 403 || /chat not found/.test(e.description))
  ) {
    await markManagerUnreachable(deps.kv, managerId, deps.clock.now());
    deps.log.info("manager not reachable in the manager bot", {
      manager: managerId,
      description: e.description,
    });
  } else {
    deps.log.warn(what, { manager: managerId, err: e });
  }
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
    case "new_ticket": {
      const told = await deliver(
        deps,
        await recipients(deps, tk),
        "new_ticket",
        tk,
        tk.managerId === null ? "desk_n_new" : "desk_n_assigned",
      );
      // assigned at once: its manager gets the question in the fast lane too
      return told + await fastLane(deps, tk, e.seqs ?? []);
    }
    case "client_wrote":
      // "client wrote in MY ticket": an unassigned ticket was announced as new already; the
      // assigned manager gets each message itself (its media once they are in the thread)
      return await fastLane(deps, tk, e.seqs ?? []);
    case "in_thread":
      return await fastLane(
        deps,
        tk,
        e.copies.map((c) => c.seq),
        new Map(e.copies.map((c) => [c.seq, c.messageId])),
      );
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
    case "undeliverable": {
      // admins hear of the rest (admin_alerts.ts); the thread or the client is told by the outbox
      if (e.answerBy === undefined) return 0;
      const m = await getManager(deps.kv, e.answerBy);
      if (!m) return 0;
      return await deliver(
        deps,
        [m],
        null,
        tk,
        e.reachedClient ? "desk_n_answer_not_in_thread" : "desk_n_answer_undelivered",
        { reason: escapeHtml(e.reason) },
      );
    }
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

  /**
   * Queues the event for delivery, in order per ticket; tickets do not wait for each other
   * (the fast lane sends every client message, paced at about one a second per chat).
   */
  notify(e: HelpdeskEvent): void {
    void this.#chain.run(`ticket:${e.ticket}`, () =>
      notifyEvent(this.#deps, e)
        .then(() => {}, (err) => this.#deps.log.error("notification failed", { event: e, err })));
  }

  /** Resolves when every queued event has been handled. */
  idle(): Promise<void> {
    return this.#chain.idle();
  }
}
