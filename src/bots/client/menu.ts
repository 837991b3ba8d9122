/**
 * The client's menu: greeting, help, new ticket, my tickets (switch, close, reopen) and the
 * rating buttons.
 *
 * @module
 */
import { topicQuestion } from "../../services/closed_hold.ts";
import { Composer, type Context, InlineKeyboard, Keyboard } from "grammy";
import type { Client } from "../../domain/records.ts";
import { reopenable } from "../../domain/ticket.ts";
import { faqFor, topicLabel, topicOfButton } from "../../domain/settings.ts";
import { type Lang, langOf, locales, t, type TextKey } from "../../i18n/mod.ts";
import {
  type ClientAction,
  clientButton,
  parseClientButton,
} from "../../services/callback_data.ts";
import { closeTicket, rateTicket, reopenTicket } from "../../services/lifecycle.ts";
import { clientMessages, openTicket } from "../../services/relay.ts";
import { dropHeld, getDraft, listHeld, setDraft } from "../../storage/drafts.ts";
import { solveByFaq } from "../../storage/faq.ts";
import { getClient, patchClient, upsertClient } from "../../storage/people.ts";
import { getSettings } from "../../storage/settings.ts";
import { getTicket, ticketsByClient } from "../../storage/tickets.ts";
import type { BotDeps } from "../context.ts";
import { onButton } from "../buttons.ts";
import { type CCtx, customerOf } from "./context.ts";

/** The client's profile as Telegram shows it. */
export function profileOf(
  ctx: Context,
  fallback?: Lang,
): Pick<Client, "id" | "firstName" | "lastName" | "username" | "lang"> {
  const u = ctx.from!;
  return {
    id: u.id,
    firstName: u.first_name,
    ...(u.last_name ? { lastName: u.last_name } : {}),
    ...(u.username ? { username: u.username } : {}),
    lang: langOf(u.language_code, fallback),
  };
}

function mainKeyboard(lang: Lang): Keyboard {
  return new Keyboard()
    .text(t(lang, "btn_new_ticket")).text(t(lang, "btn_my_tickets")).row()
    .text(t(lang, "btn_help")).resized().persistent();
}

/** Texts of a menu button in every language, to recognise a pressed reply-keyboard button. */
function anyLang(key: TextKey): string[] {
  return Object.values(locales).map((l) => l[key]);
}

/** Starts the new-ticket dialogue: topic buttons, or a typed topic when none is configured. */
export async function askTopic(deps: BotDeps, ctx: Context, lang: Lang): Promise<void> {
  const q = topicQuestion(await getSettings(deps.kv), lang);
  // the question first: when it fails the update is retried with no draft yet, and asks again
  // (a draft set first would make the retry hold the message silently, the question never sent)
  await ctx.reply(q.text, q.markup ? { reply_markup: q.markup } : {});
  await setDraft(deps.kv, ctx.from!.id, q.draft);
}

/**
 * The topic is known: open the ticket with the held messages, or show the topic's ready
 * answers (when it has some) with "this solved it" / "I still need help", or ask for the
 * question.
 */
export async function topicChosen(deps: BotDeps, ctx: Context, topic: string, lang: Lang) {
  const clientId = ctx.from!.id;
  const held = await listHeld(deps.kv, clientId);
  if (held.length) {
    await setDraft(deps.kv, clientId, null);
    await openTicket(deps, clientId, topic, held, held.map((h) => h.updateId));
    return;
  }
  const s = await getSettings(deps.kv);
  // in the customer's language when there is a version of it
  const faq = faqFor(s, topic, lang);
  if (faq) {
    // the answers first, then the draft: a failed send is retried and shows them again
    await ctx.reply(t(lang, "faq_intro", { topic: topicLabel(s, topic, lang), text: faq }), {
      reply_markup: new InlineKeyboard()
        .text(t(lang, "btn_faq_ok"), clientButton({ type: "faq_ok" })).row()
        .text(t(lang, "btn_faq_more"), clientButton({ type: "faq_more" })),
    });
    await setDraft(deps.kv, clientId, { stage: "faq", topic });
    return;
  }
  await askQuestion(deps, ctx, topic, lang);
}

async function askQuestion(deps: BotDeps, ctx: Context, topic: string, lang: Lang) {
  await setDraft(deps.kv, ctx.from!.id, { stage: "question", topic });
  const s = await getSettings(deps.kv);
  await ctx.reply(t(lang, "ask_question", { topic: topicLabel(s, topic, lang) }));
}

async function showTickets(deps: BotDeps, ctx: Context, client: Client): Promise<void> {
  const lang = client.lang;
  const tickets = (await ticketsByClient(deps.kv, client.id)).slice(0, 20);
  if (!tickets.length) {
    await ctx.reply(t(lang, "no_tickets"), { reply_markup: mainKeyboard(lang) });
    return;
  }
  const kb = new InlineKeyboard();
  const lines = [t(lang, "my_tickets")];
  const s = await getSettings(deps.kv);
  for (const tk of tickets) {
    const mark = tk.number === client.currentTicket ? "▶️ " : "";
    lines.push(
      mark + t(lang, "ticket_line", {
        number: tk.number,
        topic: topicLabel(s, tk.topic, lang),
        status: t(lang, `status_${tk.status}`),
      }),
    );
    if (tk.status === "closed") {
      // a ticket too long to reopen offers nothing: a new request is the way on
      if (!reopenable(tk)) continue;
      kb.text(
        t(lang, "btn_reopen", { number: tk.number }),
        clientButton({ type: "reopen", ticket: tk.number }),
      );
    } else {
      kb.text(
        t(lang, "btn_make_current", { number: tk.number }),
        clientButton({ type: "current", ticket: tk.number }),
      )
        .text(
          t(lang, "btn_close", { number: tk.number }),
          clientButton({ type: "close", ticket: tk.number }),
        );
    }
    kb.row();
  }
  await ctx.reply(lines.join("\n"), { reply_markup: kb });
}

/** Commands, menu buttons and inline buttons of the client bot. */
export function menu(deps: BotDeps): Composer<CCtx> {
  const c = new Composer<CCtx>();
  const pm = c.chatType("private");

  const client = (ctx: Context) =>
    upsertClient(deps.kv, profileOf(ctx, deps.defaultLang), deps.clock.now());

  pm.command("start", async (ctx) => {
    const cl = await client(ctx);
    const s = await getSettings(deps.kv);
    const custom = s.texts.greeting[cl.lang];
    await ctx.reply(custom || t(cl.lang, "greeting"), { reply_markup: mainKeyboard(cl.lang) });
  });
  pm.command("help", async (ctx) => {
    const cl = await client(ctx);
    await ctx.reply(t(cl.lang, "help"), { reply_markup: mainKeyboard(cl.lang) });
  });
  pm.hears(anyLang("btn_help"), async (ctx) => {
    const cl = await client(ctx);
    await ctx.reply(t(cl.lang, "help"), { reply_markup: mainKeyboard(cl.lang) });
  });
  const newTicket = async (ctx: Context) => {
    const cl = await client(ctx);
    if (cl.blocked) return void await ctx.reply(t(cl.lang, "blocked_client"));
    if (!(await getSettings(deps.kv)).open) {
      return void await ctx.reply(t(cl.lang, "service_not_open"));
    }
    await askTopic(deps, ctx, cl.lang);
  };
  pm.command("new", newTicket);
  pm.hears(anyLang("btn_new_ticket"), newTicket);
  const tickets = async (ctx: Context) => await showTickets(deps, ctx, await client(ctx));
  pm.command("tickets", tickets);
  pm.hears(anyLang("btn_my_tickets"), tickets);

  // the gate of every press: forged or stale data, or a presser we do not know, is told so
  c.on("callback_query:data", async (ctx, next) => {
    const action = parseClientButton(ctx.callbackQuery.data);
    const from = ctx.from;
    const cl = await getClient(deps.kv, from.id);
    const lang = cl?.lang ?? langOf(from.language_code);
    if (!action || !cl) {
      await ctx.answerCallbackQuery({ text: t(lang, "unknown_action") });
      return;
    }
    ctx.customer = cl;
    ctx.clientButton = action;
    await next();
  });
  const onPress = <T extends ClientAction["type"]>(
    types: T[],
    fn: (ctx: CCtx, action: Extract<ClientAction, { type: T }>, cl: Client) => Promise<void>,
  ) =>
    onButton(c, (ctx: CCtx) => ctx.clientButton, "type", types, async (ctx, action) => {
      await fn(ctx, action as Extract<ClientAction, { type: T }>, customerOf(ctx));
    });
  onPress(["topic"], async (ctx, action, cl) => {
    const lang = cl.lang;
    const s = await getSettings(deps.kv);
    // the topic the button was drawn for, wherever it is in the list now
    const topic = topicOfButton(s.topics, action.index, action.mark);
    const draft = await getDraft(deps.kv, cl.id);
    if (draft?.stage === "topic" && !topic) {
      // renamed or removed since the buttons were drawn: the topics as they are now
      await ctx.answerCallbackQuery({ text: t(lang, "topic_gone") });
      return void await askTopic(deps, ctx, lang);
    }
    if (!topic || draft?.stage !== "topic") {
      await ctx.answerCallbackQuery({ text: t(lang, "unknown_action") });
      return;
    }
    await ctx.answerCallbackQuery();
    await topicChosen(deps, ctx, topic, lang);
  });
  onPress(["faq_ok", "faq_more"], async (ctx, action, cl) => {
    const lang = cl.lang;
    const draft = await getDraft(deps.kv, cl.id);
    // a stale press: the dialogue has moved on (solved already, or a ticket opened)
    if (draft?.stage !== "faq") {
      return void await ctx.answerCallbackQuery({ text: t(lang, "unknown_action") });
    }
    await ctx.answerCallbackQuery();
    if (action.type === "faq_more") return await askQuestion(deps, ctx, draft.topic, lang);
    if (await solveByFaq(deps.kv, cl.id, deps.clock.now())) {
      await ctx.reply(t(lang, "faq_solved"), { reply_markup: mainKeyboard(lang) });
    }
  });
  onPress(["held_new"], async (ctx, _action, cl) => {
    await ctx.answerCallbackQuery();
    await askTopic(deps, ctx, cl.lang);
  });
  onPress(["current", "close", "reopen", "held_reopen", "rate"], async (ctx, action, cl) => {
    const lang = cl.lang;
    const tk = await getTicket(deps.kv, action.ticket);
    if (!tk || tk.clientId !== cl.id) {
      await ctx.answerCallbackQuery({ text: t(lang, "not_yours") });
      return;
    }
    const actor = { role: "client" as const, id: cl.id };
    const refuse = (reason: string) =>
      ctx.answerCallbackQuery({
        // the team's wording of a ticket too long to reopen speaks of the customer
        text: t(lang, reason === "too_long" ? "reopen_too_long" : `reason_${reason}` as TextKey, {
          number: tk.number,
        }),
      });
    switch (action.type) {
      case "current":
        await patchClient(deps.kv, cl.id, () => ({ currentTicket: tk.number }));
        await ctx.answerCallbackQuery();
        await ctx.reply(t(lang, "current_switched", { number: tk.number }));
        return;
      case "close": {
        const r = await closeTicket(deps, tk.number, actor);
        return void (r.ok ? await ctx.answerCallbackQuery() : await refuse(r.reason));
      }
      case "reopen": {
        const r = await reopenTicket(deps, tk.number, actor);
        if (r.ok) await patchClient(deps.kv, cl.id, () => ({ currentTicket: tk.number }));
        return void (r.ok ? await ctx.answerCallbackQuery() : await refuse(r.reason));
      }
      case "held_reopen": {
        const r = await reopenTicket(deps, tk.number, actor);
        if (!r.ok && r.reason === "too_long") {
          // a keyboard drawn before the ticket got too long (or forged): what they wrote goes
          // into a new request instead, as "New request" would have done
          await ctx.answerCallbackQuery({
            text: t(lang, "closed_ask_new", { number: tk.number }),
            show_alert: true,
          });
          return void await askTopic(deps, ctx, lang);
        }
        if (!r.ok && r.reason !== "not_closed") return void await refuse(r.reason);
        await ctx.answerCallbackQuery();
        await patchClient(deps.kv, cl.id, () => ({ currentTicket: tk.number }));
        await setDraft(deps.kv, cl.id, null);
        const held = await listHeld(deps.kv, cl.id);
        if (held.length) {
          const ids = held.map((h) => h.updateId);
          const res = await clientMessages(deps, tk.number, cl.id, held, ids);
          if (res === "not_found") await dropHeld(deps.kv, cl.id, ids);
        }
        return;
      }
      case "rate": {
        const r = await rateTicket(deps, tk.number, cl.id, action.score, action.cycle);
        if (!r.ok) return void await refuse(r.reason);
        await ctx.answerCallbackQuery({ text: "★".repeat(action.score) });
        // a dialogue in progress (a new question waiting for its topic, messages held) keeps
        // the client's draft: the comment invitation would replace it, and what they wrote
        // would wait for a topic nobody asks for any more
        const current = await getDraft(deps.kv, cl.id);
        if (current && current.stage !== "rate_comment") return;
        // the comment is a reply to this prompt: anything else the client writes is a message
        const prompt = await ctx.reply(t(lang, "rate_thanks"), {
          reply_markup: { force_reply: true, input_field_placeholder: t(lang, "rate_placeholder") },
        });
        await setDraft(deps.kv, cl.id, {
          stage: "rate_comment",
          ticket: tk.number,
          promptId: prompt.message_id,
          ...(action.cycle === undefined ? {} : { cycle: action.cycle }),
        });
        return;
      }
    }
  });
  return c;
}
