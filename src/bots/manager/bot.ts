/**
 * The manager bot: publishes and edits ticket posts (see the outbox) and answers their
 * buttons; in private chats it is the managers' desk (lists, ticket actions, clients,
 * history, canned answers, notification settings), one composer per feature.
 *
 * @module
 */
import { Bot } from "grammy";
import { langOf, t } from "../../i18n/mod.ts";
import { deskUser } from "../../services/desk/access.ts";
import { clearManagerUnreachable } from "../../storage/desk.ts";
import type { BotDeps } from "../context.ts";
import type { DeskCtx } from "./context.ts";
import { installPacing } from "../pacing.ts";
import { tolerateExpiredQueries } from "../expired_queries.ts";
import { rememberStaffNames } from "../people.ts";
import { setupInManagerBot } from "../settings/in_manager_bot.ts";
import { deskAccess } from "./access.ts";
import { cannedReplies } from "./canned.ts";
import { clientNotes } from "./client_notes.ts";
import { clientDesk } from "./clients.ts";
import { fastLaneReplies } from "./fast_lane.ts";
import { deskHelp } from "./help.ts";
import { historyExport } from "./history.ts";
import { workingHours } from "./hours.ts";
import { ticketLists } from "./lists.ts";
import { postButtons } from "./post_buttons.ts";
import { ticketSearch } from "./search.ts";
import { notificationSettings } from "./settings.ts";
import { ticketTags } from "./tags.ts";
import { ticketActions } from "./tickets.ts";

/** Builds the manager bot; it does not start it. */
export function createManagerBot(token: string, deps: BotDeps): Bot<DeskCtx> {
  const bot = new Bot<DeskCtx>(token, { client: { apiRoot: deps.apiRoot } });
  installPacing(bot.api, deps.pacer, "manager");
  tolerateExpiredQueries(
    bot.api,
    () => deps.log.info("a button press was answered too late", { bot: "manager" }),
  );
  bot.use(rememberStaffNames(deps));
  bot.use(postButtons(deps));
  bot.use(setupInManagerBot(deps));
  bot.chatType("private").command("start", async (ctx) => {
    const user = await deskUser(deps, ctx.from);
    // pressing /start is what lets the bot write to a manager: notifications work again
    if (user) await clearManagerUnreachable(deps.kv, ctx.from.id);
    await ctx.reply(
      user
        ? `${t(user.lang, "mgr_welcome")}\n\n${t(user.lang, "desk_help")}`
        : t(langOf(ctx.from.language_code), "mgr_not_manager"),
    );
  });
  // everything below is for managers and admins only
  bot.use(deskAccess(deps));
  bot.use(ticketLists(deps));
  bot.use(ticketActions(deps));
  bot.use(ticketTags(deps));
  bot.use(clientNotes(deps));
  bot.use(workingHours(deps));
  bot.use(historyExport(deps));
  bot.use(ticketSearch(deps));
  bot.use(clientDesk(deps));
  bot.use(cannedReplies(deps));
  bot.use(notificationSettings(deps));
  bot.use(fastLaneReplies(deps));
  bot.use(deskHelp(deps));
  return bot;
}
