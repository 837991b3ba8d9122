/**
 * Canned answers in the manager bot: /canned (list), /canned_add name text, /canned_del
 * name, /reply 12 name, and the card's "canned answer" button. In a ticket's thread,
 * `/canned name` is handled by the client bot (see services/desk/thread.ts).
 *
 * @module
 */
import { Composer } from "grammy";
import { t } from "../../i18n/mod.ts";
import { cannedScreen, removeCanned, saveCanned, sendCanned } from "../../services/desk/canned.ts";
import type { BotDeps } from "../context.ts";
import type { DeskCtx } from "./context.ts";
import { answer, onButton, onCommand, reply, ticketNumber } from "./ui.ts";

/** Canned answers. */
export function cannedReplies(deps: BotDeps): Composer<DeskCtx> {
  const c = new Composer<DeskCtx>();
  onCommand(c, "canned", async (ctx, _arg, user) => {
    await reply(ctx, await cannedScreen(deps, user));
  });
  onCommand(c, "canned_add", async (ctx, arg, user) => {
    const m = arg.match(/^(\S+)\s+([\s\S]+)$/);
    if (!m) return void await ctx.reply(t(user.lang, "desk_canned_usage"));
    await ctx.reply((await saveCanned(deps, user, m[1]!, m[2]!)).text);
  });
  onCommand(c, "canned_del", async (ctx, arg, user) => {
    if (!arg) return void await ctx.reply(t(user.lang, "desk_canned_usage"));
    await ctx.reply((await removeCanned(deps, user, arg)).text);
  });
  onCommand(c, "reply", async (ctx, arg, user) => {
    const n = ticketNumber(arg);
    const name = arg.replace(/^#?\d+\s*/, "").split(/\s+/)[0] ?? "";
    if (n === null || !name) return void await ctx.reply(t(user.lang, "desk_usage_reply"));
    const r = await sendCanned(deps, user, n, name, {
      bot: "manager",
      updateId: ctx.update.update_id,
    });
    await ctx.reply(r.text);
  });
  onButton(c, "pick", async (ctx, b, user) => {
    await reply(ctx, await cannedScreen(deps, user, b.ticket));
    await answer(ctx);
  });
  onButton(c, "canned", async (ctx, b, user) => {
    const r = await sendCanned(deps, user, b.ticket, b.name, {
      bot: "manager",
      updateId: ctx.update.update_id,
    });
    await answer(ctx, r.text, !r.ok);
  });
  return c;
}
