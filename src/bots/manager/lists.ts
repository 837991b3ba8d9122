/**
 * Ticket lists: /my, /all, /unassigned, /late, /waiting, /answered, /onhold, each also
 * filtered by a tag (`/tickets #billing`), and their page and filter buttons.
 *
 * @module
 */
import { Composer } from "grammy";
import { t } from "../../i18n/mod.ts";
import type { DeskView } from "../../services/callback_data.ts";
import { ticketListScreen } from "../../services/desk/lists.ts";
import { parseTag } from "../../services/desk/tags.ts";
import type { BotDeps } from "../context.ts";
import type { DeskCtx } from "./context.ts";
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
export function ticketLists(deps: BotDeps): Composer<DeskCtx> {
  const c = new Composer<DeskCtx>();
  for (const [name, view] of Object.entries(COMMANDS)) {
    onCommand(c, name, async (ctx, arg, user) => {
      const tag = arg ? parseTag(arg) : undefined;
      if (tag === null) return void await ctx.reply(t(user.lang, "desk_usage_list_tag"));
      await reply(ctx, await ticketListScreen(deps, user, view, 0, tag));
    });
  }
  onButton(c, "list", async (ctx, b, user) => {
    await showInPlace(ctx, await ticketListScreen(deps, user, b.view, b.page, b.tag));
    await answer(ctx);
  });
  return c;
}
