/**
 * Buttons under a ticket's channel post (take, close, reopen), answered by the manager bot,
 * which published the post. The presser must be a manager or an admin.
 *
 * @module
 */
import { Composer, type Context } from "grammy";
import { langOf, t, type TextKey } from "../../i18n/mod.ts";
import { parsePostButton } from "../../services/callback_data.ts";
import { closeTicket, reopenTicket, takeTicket } from "../../services/lifecycle.ts";
import { staffRole } from "../../services/roles.ts";
import { getSettings } from "../../storage/settings.ts";
import type { BotDeps } from "../context.ts";
import type { DeskCtx } from "./context.ts";
import { onButton } from "../buttons.ts";
import { deskOfChannel, deskOfGroup } from "../../domain/settings.ts";

/** Handles presses of the post buttons. */
export function postButtons(deps: BotDeps): Composer<DeskCtx> {
  const c = new Composer<DeskCtx>();
  const read = (ctx: Context) => parsePostButton(ctx.callbackQuery?.data ?? "");
  onButton(c, read, "action", ["take", "close", "reopen"], async (ctx, action) => {
    const lang = langOf(ctx.from.language_code);
    const role = await staffRole(deps, ctx.from.id);
    if (!role) {
      await ctx.answerCallbackQuery({ text: t(lang, "mgr_not_manager"), show_alert: true });
      return;
    }
    // the buttons live on the ticket's post: the same data pressed anywhere else is forged
    const settings = await getSettings(deps.kv);
    const where = ctx.callbackQuery.message?.chat.id;
    if (
      where === undefined ||
      (deskOfChannel(settings, where) === null && deskOfGroup(settings, where) === null)
    ) {
      await ctx.answerCallbackQuery({ text: t(lang, "mgr_button_elsewhere"), show_alert: true });
      return;
    }
    const actor = { role, id: ctx.from.id };
    const n = action.ticket;
    const r = action.action === "take"
      ? await takeTicket(deps, n, actor)
      : action.action === "close"
      ? await closeTicket(deps, n, actor)
      : await reopenTicket(deps, n, actor);
    const key: TextKey = r.ok
      ? (action.action === "take"
        ? "mgr_taken"
        : action.action === "close"
        ? "mgr_closed"
        : "mgr_reopened")
      : `reason_${r.reason}` as TextKey;
    await ctx.answerCallbackQuery({ text: t(lang, key, { number: n }) });
  });
  return c;
}
