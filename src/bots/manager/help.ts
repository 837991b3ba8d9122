/**
 * What the desk answers when nothing else did: the list of commands for a staff message it
 * does not understand, and a refusal for any button press left unanswered (for example data
 * that no handler recognises), so that the presser's client never spins.
 *
 * @module
 */
import { Composer } from "grammy";
import { langOf, t } from "../../i18n/mod.ts";
import type { BotDeps } from "../context.ts";
import type { DeskCtx } from "./context.ts";
import { answer, onCommand, userOf } from "./ui.ts";

/** Help and the last-resort answers. */
export function deskHelp(_deps: BotDeps): Composer<DeskCtx> {
  const c = new Composer<DeskCtx>();
  onCommand(c, "help", async (ctx, _arg, user) => {
    await ctx.reply(t(user.lang, "desk_help"));
  });
  c.chatType("private").on("message", async (ctx) => {
    await ctx.reply(t(userOf(ctx).lang, "desk_help"));
  });
  c.on("callback_query:data", async (ctx) => {
    await answer(ctx, t(langOf(ctx.from.language_code), "desk_bad_button"), true);
  });
  return c;
}
