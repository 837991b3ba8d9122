/**
 * `/search words`: message text across tickets, with links to the threads.
 *
 * @module
 */
import { Composer } from "grammy";
import { searchScreen } from "../../services/desk/search.ts";
import type { BotDeps } from "../context.ts";
import type { DeskCtx } from "./context.ts";
import { onCommand, reply } from "./ui.ts";

/** The search command. */
export function ticketSearch(deps: BotDeps): Composer<DeskCtx> {
  const c = new Composer<DeskCtx>();
  onCommand(c, "search", async (ctx, arg, user) => {
    const s = await searchScreen(deps, user, arg);
    await ("keyboard" in s ? reply(ctx, s) : ctx.reply(s.text));
  });
  return c;
}
