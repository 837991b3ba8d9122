/**
 * Small helpers shared by the settings bot's features: answering, the main menu, and
 * routing buttons and pending input to one feature.
 *
 * @module
 */
import { fitMessage } from "../../services/text_fit.ts";
import { type Composer, InlineKeyboard } from "grammy";
import type { Message } from "grammy/types";
import type { Wait } from "../../storage/setup.ts";
import { setWait } from "../../storage/setup.ts";
import { type Action, btn, indexArg } from "../../services/callback_data.ts";
import { type Settings, topicOfButton } from "../../domain/settings.ts";
import { getSettings } from "../../storage/settings.ts";
import type { SCtx } from "./context.ts";
import { onButton as routeButton } from "../buttons.ts";

/** Answers a pressed button (once) and sends a new message. */
export async function say(ctx: SCtx, text: string, kb?: InlineKeyboard): Promise<void> {
  if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => {});
  await ctx.reply(fitMessage(text), kb ? { reply_markup: kb } : {});
}

/** A "back to the menu" row. */
export function backRow(ctx: SCtx, kb = new InlineKeyboard()): InlineKeyboard {
  return kb.row().text(ctx.tr("s_btn_menu"), btn("menu"));
}

/** The main menu keyboard. */
export function mainMenu(ctx: SCtx, open: boolean): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.tr("s_btn_status"), btn("status"))
    .text(ctx.tr(open ? "s_btn_close" : "s_btn_open"), btn(open ? "close" : "open")).row()
    .text(ctx.tr("s_btn_managers"), btn("managers"))
    .text(ctx.tr("s_btn_admins"), btn("admins")).row()
    .text(ctx.tr("s_btn_hours"), btn("hours"))
    .text(ctx.tr("s_btn_topics"), btn("topics"))
    .text(ctx.tr("s_btn_assign"), btn("assign")).row()
    .text(ctx.tr("s_btn_texts"), btn("texts"))
    .text(ctx.tr("s_btn_tickets"), btn("tickets"))
    .text(ctx.tr("s_btn_clients"), btn("clients")).row()
    .text(ctx.tr("s_btn_reports"), btn("reports"))
    .text(ctx.tr("s_btn_desks"), btn("desks"))
    .text(ctx.tr("s_btn_bots"), btn("bots"));
}

/** Registers a handler for buttons with one of `actions` (routed by `bots/buttons.ts`). */
export function onButton(
  c: Composer<SCtx>,
  actions: Action[],
  fn: (ctx: SCtx, args: string[]) => Promise<void>,
): void {
  routeButton(c, (ctx: SCtx) => ctx.button, "action", actions, (ctx, b) => fn(ctx, b.args));
}

/** Registers a handler for the admin's next message while they are asked for `kind`. */
export function onInput(
  c: Composer<SCtx>,
  kind: string,
  fn: (ctx: SCtx, m: Message, wait: Wait) => Promise<void>,
): void {
  c.on("message", async (ctx, next) => {
    const w = ctx.wait;
    if (w?.kind !== kind || ctx.message.text?.startsWith("/")) return await next();
    await fn(ctx, ctx.message, w);
  });
}

/** Asks the admin for input: remembers what the next text means and says what to send. */
export async function ask(
  ctx: SCtx,
  kv: Deno.Kv,
  wait: Wait,
  prompt: string,
): Promise<void> {
  await setWait(kv, ctx.adminId, wait);
  await say(ctx, prompt, new InlineKeyboard().text(ctx.tr("s_btn_cancel"), btn("cancel")));
}

/**
 * A button naming a topic by its place in the list and its name's mark (`args[0]`, `args[1]`):
 * asks the admin for input about that topic, remembered by name (the list may be reordered
 * before the answer comes); a topic gone since the button was drawn is told. `prompt` gets the topic and the settings.
 */
export function onTopicButton(
  c: Composer<SCtx>,
  action: Action,
  kv: Deno.Kv,
  kind: string,
  prompt: (ctx: SCtx, topic: string, s: Settings) => string,
): void {
  onButton(c, [action], async (ctx, [a, b]) => {
    const i = indexArg(a);
    const s = await getSettings(kv);
    // `args[1]`: the topic's mark, so a button drawn before the list changed names its topic
    const topic = i === null ? undefined : topicOfButton(s.topics, i, b);
    if (topic === undefined) {
      return void await ctx.answerCallbackQuery({ text: ctx.tr("s_stale_button") });
    }
    await ask(ctx, kv, { kind, arg: topic }, prompt(ctx, topic, s));
  });
}

/** Forgets the pending input. */
export async function done(ctx: SCtx, kv: Deno.Kv): Promise<void> {
  await setWait(kv, ctx.adminId, null);
}
