/**
 * Clients: /clients (all, paginated), /find, /client, /block and /unblock (with an optional
 * reason), and the client card's buttons.
 *
 * @module
 */
import { Composer } from "grammy";
import { t } from "../../i18n/mod.ts";
import {
  blockFromDesk,
  clientCard,
  clientListScreen,
  clientTicketsScreen,
  findScreen,
  resolveClient,
  unblockFromDesk,
} from "../../services/desk/clients.ts";
import type { BotDeps } from "../context.ts";
import type { DeskCtx } from "./context.ts";
import { answer, onButton, onCommand, reply, showInPlace } from "./ui.ts";

/** The clients part of the desk. */
export function clientDesk(deps: BotDeps): Composer<DeskCtx> {
  const c = new Composer<DeskCtx>();
  onCommand(c, "clients", async (ctx, _arg, user) => {
    await reply(ctx, await clientListScreen(deps, user, 0));
  });
  onCommand(c, "find", async (ctx, arg, user) => {
    if (!arg) return void await ctx.reply(t(user.lang, "desk_usage_find"));
    await reply(ctx, await findScreen(deps, user, arg));
  });
  onCommand(c, "client", async (ctx, arg, user) => {
    const cl = await resolveClient(deps, arg);
    const card = cl ? await clientCard(deps, user, cl.id) : null;
    await (card ? reply(ctx, card) : ctx.reply(t(user.lang, "desk_unknown_client")));
  });
  for (const cmd of ["block", "unblock"] as const) {
    onCommand(c, cmd, async (ctx, arg, user) => {
      const [who = "", ...rest] = arg.split(/\s+/);
      const cl = who ? await resolveClient(deps, who) : null;
      if (!cl) return void await ctx.reply(t(user.lang, "desk_usage_block"));
      const r = cmd === "block"
        ? await blockFromDesk(deps, user, cl.id, rest.join(" "))
        : await unblockFromDesk(deps, user, cl.id);
      await ctx.reply(r.text);
    });
  }
  onButton(c, "clients", async (ctx, b, user) => {
    await showInPlace(ctx, await clientListScreen(deps, user, b.page));
    await answer(ctx);
  });
  onButton(c, "client", async (ctx, b, user) => {
    if (b.act === "block" || b.act === "unblock") {
      const r = b.act === "block"
        ? await blockFromDesk(deps, user, b.client)
        : await unblockFromDesk(deps, user, b.client);
      const card = await clientCard(deps, user, b.client);
      if (card) await showInPlace(ctx, card);
      return await answer(ctx, r.text, !r.ok);
    }
    const s = b.act === "card"
      ? await clientCard(deps, user, b.client)
      : await clientTicketsScreen(deps, user, b.client);
    if (!s) return await answer(ctx, t(user.lang, "desk_unknown_client"), true);
    await reply(ctx, s);
    await answer(ctx);
  });
  return c;
}
