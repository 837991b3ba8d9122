/**
 * The settings bot: the one place an admin sets up and runs the whole service — tokens and
 * the doctor, the channel, opening, the bots, managers, admins, working time, topics, texts,
 * tickets and privacy requests. One Composer per feature; business logic lives in
 * `services/setup`.
 *
 * @module
 */
import { Bot, Composer } from "grammy";
import { rememberStaffNames } from "../people.ts";
import { access } from "./access.ts";
import { admins } from "./admins.ts";
import { assignment } from "./assignment.ts";
import { channel, listenSignals } from "./channel.ts";
import { clients } from "./clients.ts";
import type { SCtx } from "./context.ts";
import type { SettingsBotDeps } from "./deps.ts";
import { hours } from "./hours.ts";
import { lifecycle } from "./lifecycle.ts";
import { managers } from "./managers.ts";
import { menu, showMenu } from "./menu.ts";
import { reports } from "./reports.ts";
import { status } from "./status.ts";
import { texts } from "./texts.ts";
import { topics } from "./topics.ts";
import { desks } from "./desks.ts";
import { tickets } from "./tickets.ts";
import { tokens } from "./tokens.ts";

/** Builds the settings bot; it does not start it. */
export function createSettingsBot(token: string, deps: SettingsBotDeps): Bot {
  const bot = new Bot(token, { client: { apiRoot: deps.apiRoot } });
  const f = new Composer<SCtx>();
  // pasted tokens first: a token must be deleted from the chat whatever else is pending
  f.use(tokens(deps));
  f.use(menu(deps));
  f.use(status(deps));
  f.use(channel(deps));
  f.use(lifecycle(deps));
  f.use(managers(deps));
  f.use(admins(deps));
  f.use(hours(deps));
  f.use(topics(deps));
  f.use(desks(deps));
  f.use(assignment(deps));
  f.use(texts(deps));
  f.use(tickets(deps));
  f.use(clients(deps));
  f.use(reports(deps));
  // a stale button or an unexpected message: back to the menu
  f.on("callback_query", async (ctx) => {
    await ctx.answerCallbackQuery({ text: ctx.tr("s_stale_button") });
  });
  f.on("message", (ctx) => showMenu(deps, ctx));
  bot.use(rememberStaffNames(deps));
  bot.use(access(deps, f));
  listenSignals(deps, bot.api);
  return bot;
}
