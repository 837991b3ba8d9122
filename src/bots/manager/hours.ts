/**
 * A manager's own working hours from the manager bot: `/hours mon-fri 09:00-18:00`, `/hours -`,
 * `/hours` (see services/desk/shifts.ts).
 *
 * @module
 */
import { Composer } from "grammy";
import { hoursByArg } from "../../services/desk/shifts.ts";
import type { BotDeps } from "../context.ts";
import type { DeskCtx } from "./context.ts";
import { onCommand } from "./ui.ts";

/** Setting and showing one's working hours. */
export function workingHours(deps: BotDeps): Composer<DeskCtx> {
  const c = new Composer<DeskCtx>();
  onCommand(c, "hours", async (ctx, arg, user) => {
    await ctx.reply((await hoursByArg(deps, user, arg)).text);
  });
  return c;
}
