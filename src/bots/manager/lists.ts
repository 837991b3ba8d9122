/**
 * Ticket lists: /my, /all, /unassigned, /late, and their page and filter buttons.
 *
 * @module
 */
import { Composer, type Context } from "grammy";
import type { DeskView } from "../../services/callback_data.ts";
import { ticketListScreen } from "../../services/desk/lists.ts";
import type { BotDeps } from "../context.ts";
import { answer, onButton, onCommand, reply, showInPlace } from "./ui.ts";

const COMMANDS: Record<string, DeskView> = {
  my: "mine",
  all: "all",
  tickets: "all",
  unassigned: "un",
  late: "late",
  waiting: "team",
  answered: "cust",
  onhold: "hold",
};

/** Lists of open tickets. */
export function ticketLists(deps: BotDeps): Composer<Context> {
  const c = new Composer<Context>();
  for (const [name, view] of Object.entries(COMMANDS)) {
    onCommand(c, name, async (ctx, _arg, user) => {
      await reply(ctx, await ticketListScreen(deps, user, view, 0));
    });
  }
  onButton(c, "list", async (ctx, b, user) => {
    await showInPlace(ctx, await ticketListScreen(deps, user, b.view, b.page));
    await answer(ctx);
  });
  return c;
}
