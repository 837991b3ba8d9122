/**
 * The desk's gate: only registered managers and admins get past it. Anyone else writing to
 * the manager bot, or pressing a desk button, is refused; forged or stale desk buttons are
 * refused with a clear answer. Group and channel updates pass untouched (the post buttons and
 * the client bot's thread commands are handled elsewhere).
 *
 * @module
 */
import { Composer } from "grammy";
import { langOf, t } from "../../i18n/mod.ts";
import { deskUser } from "../../services/desk/access.ts";
import { isDeskData, parseDeskButton } from "../../services/callback_data.ts";
import { clearManagerUnreachable } from "../../storage/desk.ts";
import type { BotDeps } from "../context.ts";
import type { DeskCtx } from "./context.ts";
import { answer, setDesk } from "./ui.ts";

/** Lets managers and admins through to the desk. */
export function deskAccess(deps: BotDeps): Composer<DeskCtx> {
  const c = new Composer<DeskCtx>();
  c.on("callback_query:data", async (ctx, next) => {
    const data = ctx.callbackQuery.data;
    if (!isDeskData(data)) return await next();
    const user = await deskUser(deps, ctx.from);
    const lang = user?.lang ?? langOf(ctx.from.language_code);
    if (!user) return await answer(ctx, t(lang, "mgr_not_manager"), true);
    const button = parseDeskButton(data);
    if (!button) return await answer(ctx, t(lang, "desk_bad_button"), true);
    setDesk(ctx, user, button);
    await next();
  });
  c.chatType("private").on("message", async (ctx, next) => {
    const user = await deskUser(deps, ctx.from);
    if (!user) return void await ctx.reply(t(langOf(ctx.from.language_code), "mgr_not_manager"));
    // writing to the bot means it can write back again
    await clearManagerUnreachable(deps.kv, ctx.from.id);
    setDesk(ctx, user);
    await next();
  });
  return c;
}
