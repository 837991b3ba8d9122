/**
 * The manager bot: publishes and edits ticket posts (see the outbox) and answers their
 * buttons; the managers' desk grows here.
 *
 * @module
 */
import { Bot } from "grammy";
import { langOf, t } from "../../i18n/mod.ts";
import { staffRole } from "../../services/roles.ts";
import type { BotDeps } from "../context.ts";
import { installPacing } from "../pacing.ts";
import { postButtons } from "./post_buttons.ts";

/** Builds the manager bot; it does not start it. */
export function createManagerBot(token: string, deps: BotDeps): Bot {
  const bot = new Bot(token, { client: { apiRoot: deps.apiRoot } });
  installPacing(bot.api, deps.pacer, "manager");
  bot.use(postButtons(deps));
  bot.chatType("private").command("start", async (ctx) => {
    const role = await staffRole(deps, ctx.from.id);
    const lang = langOf(ctx.from.language_code);
    await ctx.reply(role ? t(lang, "mgr_welcome") : t(lang, "mgr_not_manager"));
  });
  bot.catch((err) => {
    deps.log.error("manager bot update failed", {
      update: err.ctx.update.update_id,
      err: err.error,
    });
  });
  return bot;
}
