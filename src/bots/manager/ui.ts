/**
 * Plumbing shared by the desk's composers: who the user is (set once by `access.ts`), the
 * parsed button, showing a screen as a new message or in place, and answering presses.
 *
 * @module
 */
import { type Composer, type Context, GrammyError } from "grammy";
import type { DeskUser } from "../../services/desk/access.ts";
import type { DeskButton } from "../../services/callback_data.ts";
import type { Screen } from "../../services/desk/format.ts";
import { onButton as routeButton } from "../buttons.ts";
import type { DeskCtx } from "./context.ts";

/** Remembers the desk user (and the parsed button) of an update; called by the access gate. */
export function setDesk(ctx: DeskCtx, user: DeskUser, button?: DeskButton): void {
  ctx.desk = user;
  if (button) ctx.deskButton = button;
}

/** The desk user of an update that passed the access gate. */
export function userOf(ctx: DeskCtx): DeskUser {
  const u = ctx.desk;
  if (!u) throw new Error("Cannot find the desk user: the access gate did not run");
  return u;
}

/** Handles presses of desk buttons of one type; other presses go on. */
export function onButton<T extends DeskButton["type"]>(
  c: Composer<DeskCtx>,
  type: T,
  fn: (ctx: DeskCtx, b: Extract<DeskButton, { type: T }>, user: DeskUser) => Promise<void>,
): void {
  routeButton(
    c,
    (ctx: DeskCtx) => ctx.deskButton,
    "type",
    [type],
    (ctx, b) => fn(ctx, b as Extract<DeskButton, { type: T }>, userOf(ctx)),
  );
}

/** Handles desk commands in the private chat; `arg` is the text after the command. */
export function onCommand(
  c: Composer<DeskCtx>,
  names: string | string[],
  fn: (ctx: DeskCtx, arg: string, user: DeskUser) => Promise<void>,
): void {
  c.chatType("private").command(names, async (ctx) => {
    await fn(ctx, String(ctx.match ?? "").trim(), userOf(ctx));
  });
}

function options(s: Screen) {
  return {
    parse_mode: "HTML" as const,
    link_preview_options: { is_disabled: true },
    ...(s.keyboard.length ? { reply_markup: { inline_keyboard: s.keyboard } } : {}),
  };
}

/** Sends a screen as a new message. */
export async function reply(ctx: Context, s: Screen): Promise<void> {
  await ctx.reply(s.text, options(s));
}

/** Replaces the pressed message with a screen (or sends it, outside a button press). */
export async function showInPlace(ctx: Context, s: Screen): Promise<void> {
  if (!ctx.callbackQuery?.message) return await reply(ctx, s);
  try {
    await ctx.editMessageText(s.text, {
      ...options(s),
      reply_markup: { inline_keyboard: s.keyboard },
    });
  } catch (e) {
    // pressing the button of the page already shown changes nothing: that is fine
    if (!(e instanceof GrammyError && /not modified/.test(e.description))) throw e;
  }
}

/** Answers a button press with a short text (an alert for refusals). */
export async function answer(ctx: Context, text?: string, alert = false): Promise<void> {
  await ctx.answerCallbackQuery(text ? { text: text.slice(0, 200), show_alert: alert } : {});
}

/** The ticket number in a command's argument (`12` or `#12`), or null. */
export function ticketNumber(arg: string): number | null {
  const m = arg.match(/^#?(\d{1,9})\b/);
  return m ? Number(m[1]) : null;
}
