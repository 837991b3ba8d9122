/**
 * A ticket's full conversation as an HTML file: /history 12, or the card's button.
 *
 * @module
 */
import { Composer, type Context, InputFile } from "grammy";
import { t } from "../../i18n/mod.ts";
import type { DeskUser } from "../../services/desk/access.ts";
import { historyFile } from "../../services/desk/history.ts";
import type { BotDeps } from "../context.ts";
import type { DeskCtx } from "./context.ts";
import { answer, onButton, onCommand, ticketNumber } from "./ui.ts";

/** History export. */
export function historyExport(deps: BotDeps): Composer<DeskCtx> {
  const c = new Composer<DeskCtx>();
  const send = async (ctx: Context, user: DeskUser, n: number): Promise<boolean> => {
    const file = await historyFile(deps, n, user.lang);
    if (!file) return false;
    await ctx.replyWithDocument(new InputFile(file.bytes, file.fileName), {
      caption: t(user.lang, "desk_hist_caption", { number: n }),
    });
    return true;
  };
  onCommand(c, "history", async (ctx, arg, user) => {
    const n = ticketNumber(arg);
    if (n === null) return void await ctx.reply(t(user.lang, "desk_usage_ticket"));
    if (!(await send(ctx, user, n))) {
      await ctx.reply(t(user.lang, "reason_not_found", { number: n }));
    }
  });
  onButton(c, "history", async (ctx, b, user) => {
    // answered first: building and uploading the file may take longer than a press may wait
    await answer(ctx, t(user.lang, "desk_hist_preparing"));
    if (!(await send(ctx, user, b.ticket))) {
      await ctx.reply(t(user.lang, "reason_not_found", { number: b.ticket }));
    }
  });
  return c;
}
