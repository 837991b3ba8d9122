/**
 * `/start`, `/menu` and `/cancel`: a fresh install starts with the setup checklist, a
 * running one with the main menu.
 *
 * @module
 */
import { Composer } from "grammy";
import { getSettings } from "../../storage/settings.ts";
import type { SCtx } from "./context.ts";
import type { SettingsBotDeps } from "./deps.ts";
import { showStatus } from "./status.ts";
import { done, mainMenu, onButton, say } from "./ui.ts";

/** The main menu. */
export async function showMenu(deps: SettingsBotDeps, ctx: SCtx): Promise<void> {
  const s = await getSettings(deps.kv);
  await say(ctx, ctx.tr(s.open ? "s_menu_open" : "s_menu_closed"), mainMenu(ctx, s.open));
}

/** Entry points of the settings bot. */
export function menu(deps: SettingsBotDeps): Composer<SCtx> {
  const c = new Composer<SCtx>();
  c.command("start", async (ctx) => {
    await done(ctx, deps.kv);
    const s = await getSettings(deps.kv);
    if (!s.open) {
      await ctx.reply(ctx.tr("s_welcome_setup"));
      return await showStatus(deps, ctx);
    }
    await showMenu(deps, ctx);
  });
  c.command(["menu", "cancel"], async (ctx) => {
    await done(ctx, deps.kv);
    await showMenu(deps, ctx);
  });
  onButton(c, ["menu"], async (ctx) => {
    await done(ctx, deps.kv);
    await showMenu(deps, ctx);
  });
  return c;
}
