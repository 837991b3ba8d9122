/**
 * The client bot: customers open tickets and talk to the team through it; it also relays
 * managers' comments from the discussion group (it is an admin there, DESIGN.md fact 2).
 *
 * @module
 */
import { Bot } from "grammy";
import type { BotDeps } from "../context.ts";
import type { CCtx } from "./context.ts";
import { installPacing } from "../pacing.ts";
import { tolerateExpiredQueries } from "../expired_queries.ts";
import { rememberStaffNames } from "../people.ts";
import { blockedMeanwhile } from "./blocked_meanwhile.ts";
import { managersGroup } from "./managers_group.ts";
import { membership } from "./membership.ts";
import { menu } from "./menu.ts";
import { privateMessages } from "./private_messages.ts";

/** Builds the client bot; it does not start it. */
export function createClientBot(token: string, deps: BotDeps): Bot<CCtx> {
  const bot = new Bot<CCtx>(token, { client: { apiRoot: deps.apiRoot } });
  installPacing(bot.api, deps.pacer, "client");
  tolerateExpiredQueries(
    bot.api,
    () => deps.log.info("a button press was answered too late", { bot: "client" }),
  );
  // outermost: a customer gone meanwhile is an outcome, not a failed update
  bot.use(blockedMeanwhile(deps));
  // first: a manager's comment names them before anything reads their record
  bot.use(rememberStaffNames(deps));
  bot.use(membership(deps));
  bot.use(menu(deps));
  bot.use(privateMessages(deps));
  bot.use(managersGroup(deps));
  return bot;
}
