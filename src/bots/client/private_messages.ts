/**
 * Everything a client writes that is not a command: it goes to the right ticket, starts a
 * new one, or is held while the client chooses — never dropped.
 *
 * @module
 */
import { Composer, type Context, InlineKeyboard } from "grammy";
import type { Message } from "grammy/types";
import { t } from "../../i18n/mod.ts";
import { clientButton } from "../../services/callback_data.ts";
import { commentTicketRating } from "../../services/lifecycle.ts";
import { clientMessages, type Incoming, openTicket, relayEdit } from "../../services/relay.ts";
import { editHeld, holdMessage, holdOnce, listHeld, setDraft } from "../../storage/drafts.ts";
import { upsertClient } from "../../storage/people.ts";
import { readClientInputs } from "../../storage/client_inputs.ts";
import {
  claimClosedNotice,
  countClientMessage,
  type FloodStep,
  floodStep,
} from "../../storage/sla.ts";
import type { Client } from "../../domain/records.ts";
import { reopenable } from "../../domain/ticket.ts";
import { releaseClosedHold } from "../../services/closed_hold.ts";
import { blockedTolerated } from "./blocked_meanwhile.ts";
import { getSettings } from "../../storage/settings.ts";
import { findMessageRef, getTicket, markProcessed } from "../../storage/tickets.ts";
import { recoveredAlbum } from "../album_collector.ts";
import type { BotDeps } from "../context.ts";
import type { CCtx } from "./context.ts";
import { askTopic, profileOf, topicChosen } from "./menu.ts";

/** How often a customer writing to a closed helpdesk is told that their messages are kept. */
const CLOSED_NOTICE_MS = 12 * 3_600_000;

/** Messages a client may send in a minute; the rest of that minute is refused (and told). */
export const FLOOD_PER_MINUTE = 30;

/** Handles the client's messages and edits in the private chat. */
export function privateMessages(deps: BotDeps): Composer<CCtx> {
  const c = new Composer<CCtx>();
  const pm = c.chatType("private");

  pm.on("message", async (ctx) => {
    const item: Incoming = { updateId: ctx.update.update_id, message: ctx.message as Message };
    if (item.message.media_group_id) {
      await deps.albums.flushChat(ctx.chat.id, item.message.media_group_id);
      const whole = recoveredAlbum(ctx.update);
      if (whole) return void await handle(deps, ctx, whole);
      // handed on by the collector's timer, outside the bot's chain and its boundaries
      const chatId = ctx.chat.id;
      await deps.albums.add(
        item,
        (items) => blockedTolerated(deps, chatId, () => handle(deps, ctx, items)),
      );
      return;
    }
    await deps.albums.flushChat(ctx.chat.id);
    await handle(deps, ctx, [item]);
  });

  pm.on("edited_message", async (ctx) => {
    const edited = ctx.editedMessage as Message;
    if (await relayEdit(deps, edited, ctx.update.update_id)) return;
    // not in a ticket yet: held while the customer is asked for the topic
    await editHeld(deps.kv, edited.chat.id, edited);
  });
  return c;
}

async function hold(deps: BotDeps, clientId: number, items: Incoming[]): Promise<void> {
  for (const i of items) await holdMessage(deps.kv, clientId, i);
}

/** Holds the items, marked processed in the same write; false for a redelivery. */
function holdFirstTime(deps: BotDeps, clientId: number, items: Incoming[]): Promise<boolean> {
  return holdOnce(deps.kv, "client", clientId, items, deps.clock.now());
}

/** Marks all items processed; false when this is a redelivery of something already handled. */
async function firstTime(deps: BotDeps, items: Incoming[]): Promise<boolean> {
  let fresh = false;
  for (const i of items) {
    if (await markProcessed(deps.kv, "client", i.updateId, deps.clock.now())) fresh = true;
  }
  return fresh;
}

async function handle(deps: BotDeps, ctx: Context, items: Incoming[]): Promise<void> {
  // on every message's path: the client's records in one read, the settings meanwhile
  const [inputs, settings] = await Promise.all([
    readClientInputs(deps.kv, ctx.from!.id),
    getSettings(deps.kv),
  ]);
  const client = await upsertClient(
    deps.kv,
    profileOf(ctx, deps.defaultLang),
    deps.clock.now(),
    undefined,
    inputs.client,
  );
  const draft = inputs.draft;
  const lang = client.lang;
  const first = items[0]!.message;
  if (client.blocked) {
    if (await firstTime(deps, items)) await ctx.reply(t(lang, "blocked_client"));
    return;
  }
  if (!settings.open) {
    // kept, not thrown away: handed on when the helpdesk opens again; told once a day
    if (!(await holdFirstTime(deps, client.id, items))) return;
    await setDraft(deps.kv, client.id, { stage: "closed" });
    if (await claimClosedNotice(deps.kv, client.id, deps.clock.now(), CLOSED_NOTICE_MS)) {
      await ctx.reply(t(lang, "service_closed_kept"));
    }
    return;
  }
  if (draft?.stage === "closed") {
    // opened again and this customer's kept messages were not handed on yet: first them; when
    // that asks the topic, this message was written before the question (not an answer to it)
    // and is kept with them
    if ((await releaseClosedHold(deps, client.id)) === "asked") {
      return void await holdFirstTime(deps, client.id, items);
    }
    return await handle(deps, ctx, items);
  }
  // a flood guard: past FLOOD_PER_MINUTE messages a minute the rest is refused, told once
  const floodWindow = 60_000 * deps.pacer.limits.timeScale;
  // a client without a dialogue going on writes into their ticket (the hot path): the meter,
  // counted as read, is written by the ticket's change (one commit member less per message);
  // whatever does not commit it counts the message below, before returning. A refusal is
  // never decided on a count that was not committed.
  const step = draft ? null : floodStep(client.id, deps.clock.now(), floodWindow, inputs.flood);
  if (step && step.count <= FLOOD_PER_MINUTE) {
    try {
      return await relayToTicket(deps, ctx, client, items, step);
    } finally {
      if (!step.done) {
        await countClientMessage(deps.kv, client.id, deps.clock.now(), floodWindow, inputs.flood);
      }
    }
  }
  const count = await countClientMessage(
    deps.kv,
    client.id,
    deps.clock.now(),
    floodWindow,
    inputs.flood,
  );
  if (count > FLOOD_PER_MINUTE) {
    if (!(await firstTime(deps, items))) return;
    if (count === FLOOD_PER_MINUTE + 1) {
      await ctx.reply(t(lang, "flood_client", { limit: FLOOD_PER_MINUTE }));
      if (client.currentTicket !== null) {
        await deps.outbox.enqueue(client.currentTicket, [{
          lane: "group",
          action: {
            type: "notice",
            key: "thread_client_flood",
            params: { limit: FLOOD_PER_MINUTE },
          },
        }]);
      }
    }
    return;
  }
  switch (draft?.stage) {
    case "rate_comment":
      if (
        items.length === 1 && first.text && !first.text.startsWith("/") &&
        first.reply_to_message?.message_id === draft.promptId
      ) {
        if (!(await firstTime(deps, items))) return;
        await setDraft(deps.kv, client.id, null);
        const r = await commentTicketRating(
          deps,
          draft.ticket,
          client.id,
          first.text.slice(0, 1000),
          draft.cycle,
        );
        if (r.ok) await ctx.reply(t(lang, "rate_comment_thanks"));
        return;
      }
      break;
    case "topic_text":
      if (items.length === 1 && first.text) {
        if (!(await firstTime(deps, items))) return;
        await topicChosen(deps, ctx, first.text.slice(0, 100), lang);
        return;
      }
      await hold(deps, client.id, items);
      await ctx.reply(t(lang, "type_topic"));
      return;
    case "question":
    // writing instead of pressing under the ready answers: they still need help
    case "faq":
      await openTicket(deps, client.id, draft.topic, items);
      await setDraft(deps.kv, client.id, null);
      return;
    case "topic":
    case "held":
      await holdFirstTime(deps, client.id, items);
      return;
  }

  await relayToTicket(deps, ctx, client, items);
}

/**
 * The messages go to the ticket they reply to, or the current one; a closed or missing ticket
 * holds them and asks the client. `meter`: the flood meter's write, to go with the relay.
 */
async function relayToTicket(
  deps: BotDeps,
  ctx: Context,
  client: Client,
  items: Incoming[],
  meter?: FloodStep,
): Promise<void> {
  const lang = client.lang;
  const first = items[0]!.message;
  // a reply to a message of a ticket goes to that ticket, whatever is current
  let ticketNumber = client.currentTicket;
  const replied = first.reply_to_message;
  if (replied) {
    const ref = await findMessageRef(deps.kv, client.id, replied.message_id);
    if (ref) ticketNumber = ref.ticket;
  }
  if (ticketNumber === null) {
    // held already: the retry of an update whose question failed (a handled update that is
    // delivered again finds the draft set and never gets here), so the question is asked again
    await holdFirstTime(deps, client.id, items);
    await askTopic(deps, ctx, lang);
    return;
  }
  let res = await clientMessages(deps, ticketNumber, client.id, items, [], meter);
  if (
    res === "duplicate" &&
    (await listHeld(deps.kv, client.id)).some((h) => h.updateId === items[0]!.updateId)
  ) {
    res = "closed"; // held by an attempt whose question failed: this retry asks it again
  }
  if (res === "closed" || res === "not_found") {
    // as above: a retry after the question failed asks it again
    await holdFirstTime(deps, client.id, items);
    const tk = res === "closed" ? await getTicket(deps.kv, ticketNumber) : null;
    if (!tk) {
      await askTopic(deps, ctx, lang);
      return;
    }
    // a ticket too long to reopen (domain/ticket.ts) is not offered again: a new request only
    const again = reopenable(tk);
    const kb = new InlineKeyboard();
    if (again) {
      kb.text(
        t(lang, "btn_reopen_and_send", { number: tk.number }),
        clientButton({ type: "held_reopen", ticket: tk.number }),
      );
    }
    kb.text(t(lang, "btn_new_and_send"), clientButton({ type: "held_new" }));
    await ctx.reply(t(lang, again ? "closed_ask" : "closed_ask_new", { number: tk.number }), {
      reply_markup: kb,
    });
    await setDraft(deps.kv, client.id, { stage: "held" });
  }
}
