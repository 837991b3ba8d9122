/**
 * Tags from the manager bot: `/tag 12 billing refund`, `/untag 12 billing` (in a thread the
 * same without the number, see bots/client/managers_group.ts).
 *
 * @module
 */
import { Composer } from "grammy";
import { t } from "../../i18n/mod.ts";
import { retagByArg } from "../../services/desk/tags.ts";
import type { BotDeps } from "../context.ts";
import type { DeskCtx } from "./context.ts";
import { onCommand, ticketNumber } from "./ui.ts";

/** Adding and removing tags of a ticket. */
export function ticketTags(deps: BotDeps): Composer<DeskCtx> {
  const c = new Composer<DeskCtx>();
  for (const [name, change] of [["tag", "add"], ["untag", "remove"]] as const) {
    onCommand(c, name, async (ctx, arg, user) => {
      const n = ticketNumber(arg);
      if (n === null) {
        return void await ctx.reply(
          t(user.lang, change === "add" ? "desk_usage_tag" : "desk_usage_untag"),
        );
      }
      const r = await retagByArg(deps, user, n, change, arg.replace(/^#?\d+\s*/, ""));
      await ctx.reply(r.text);
    });
  }
  return c;
}
