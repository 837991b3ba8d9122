/**
 * One ticket: its card (/ticket 12 or a list's button) and take / transfer / close / reopen,
 * by command or by the card's buttons.
 *
 * @module
 */
import { Composer, type Context } from "grammy";
import { t } from "../../i18n/mod.ts";
import type { DeskUser } from "../../services/desk/access.ts";
import {
  actOnTicket,
  holdFor,
  mergeByArg,
  mergeFor,
  mergeMenu,
  type Outcome,
  prioritize,
  prioritizeByArg,
  ticketCard,
  transferByArg,
  transferMenu,
  transferTo,
} from "../../services/desk/tickets.ts";
import type { BotDeps } from "../context.ts";
import type { DeskCtx } from "./context.ts";
import { answer, onButton, onCommand, reply, showInPlace, ticketNumber } from "./ui.ts";

/** Ticket cards and actions. */
export function ticketActions(deps: BotDeps): Composer<DeskCtx> {
  const c = new Composer<DeskCtx>();

  const card = async (ctx: Context, user: DeskUser, n: number, inPlace: boolean) => {
    const s = await ticketCard(deps, user, n);
    if (!s) return false;
    await (inPlace ? showInPlace(ctx, s) : reply(ctx, s));
    return true;
  };
  const usage = (ctx: Context, user: DeskUser, key: "desk_usage_ticket" | "desk_usage_transfer") =>
    ctx.reply(t(user.lang, key));

  onCommand(c, "ticket", async (ctx, arg, user) => {
    const n = ticketNumber(arg);
    if (n === null) return void await usage(ctx, user, "desk_usage_ticket");
    if (!(await card(ctx, user, n, false))) {
      await ctx.reply(t(user.lang, "reason_not_found", { number: n }));
    }
  });
  onCommand(c, "merge", async (ctx, arg, user) => {
    const n = ticketNumber(arg);
    if (n === null) return void await ctx.reply(t(user.lang, "desk_usage_merge"));
    const r = await mergeByArg(deps, user, n, arg.replace(/^#?\d+\s*/, ""));
    await ctx.reply(r.text);
  });
  onButton(c, "merge", async (ctx, b, user) => {
    await done(
      ctx,
      await mergeFor(deps, user, b.ticket, b.into),
      () => card(ctx, user, b.ticket, true),
    );
  });
  onCommand(c, "hold", async (ctx, arg, user) => {
    const n = ticketNumber(arg);
    if (n === null) return void await ctx.reply(t(user.lang, "desk_usage_hold", { max: 200 }));
    const r = await holdFor(deps, user, n, arg.replace(/^#?\d+\s*/, ""));
    await ctx.reply(r.text);
  });
  for (const act of ["take", "close", "reopen", "unhold"] as const) {
    onCommand(c, act, async (ctx, arg, user) => {
      const n = ticketNumber(arg);
      if (n === null) return void await usage(ctx, user, "desk_usage_ticket");
      const r = await actOnTicket(deps, user, n, act);
      await ctx.reply(r.text);
      if (r.ok) await card(ctx, user, n, false);
    });
  }
  onCommand(c, "transfer", async (ctx, arg, user) => {
    const n = ticketNumber(arg);
    if (n === null) return void await usage(ctx, user, "desk_usage_transfer");
    const target = arg.replace(/^#?\d+\s*/, "");
    if (!target) {
      const menu = await transferMenu(deps, user, n);
      return void await ("keyboard" in menu ? reply(ctx, menu) : ctx.reply(menu.text));
    }
    await ctx.reply((await transferByArg(deps, user, n, target)).text);
  });

  onCommand(c, "priority", async (ctx, arg, user) => {
    const n = ticketNumber(arg);
    if (n === null) return void await ctx.reply(t(user.lang, "desk_usage_priority"));
    const r = await prioritizeByArg(deps, user, n, arg.replace(/^#?\d+\s*/, ""));
    await ctx.reply(r.text);
  });
  onButton(c, "prio", async (ctx, b, user) => {
    await done(
      ctx,
      await prioritize(deps, user, b.ticket, b.priority),
      () => card(ctx, user, b.ticket, true),
    );
  });

  onButton(c, "card", async (ctx, b, user) => {
    const shown = await card(ctx, user, b.ticket, true);
    await answer(
      ctx,
      shown ? undefined : t(user.lang, "reason_not_found", { number: b.ticket }),
      !shown,
    );
  });
  onButton(c, "act", async (ctx, b, user) => {
    if (b.act === "merge") {
      const menu = await mergeMenu(deps, user, b.ticket);
      if (!("keyboard" in menu)) return await answer(ctx, menu.text, true);
      await showInPlace(ctx, menu);
      return await answer(ctx);
    }
    if (b.act === "tr") {
      const menu = await transferMenu(deps, user, b.ticket);
      if (!("keyboard" in menu)) return await answer(ctx, menu.text, true);
      await showInPlace(ctx, menu);
      return await answer(ctx);
    }
    await done(
      ctx,
      await actOnTicket(deps, user, b.ticket, b.act),
      () => card(ctx, user, b.ticket, true),
    );
  });
  onButton(c, "transfer", async (ctx, b, user) => {
    await done(
      ctx,
      await transferTo(deps, user, b.ticket, b.to),
      () => card(ctx, user, b.ticket, true),
    );
  });
  return c;
}

async function done(ctx: Context, r: Outcome, refresh: () => Promise<unknown>): Promise<void> {
  if (r.ok) await refresh();
  await answer(ctx, r.text, !r.ok);
}
