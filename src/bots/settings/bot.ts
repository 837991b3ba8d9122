/**
 * The settings bot: the one place an admin sets up and runs the whole service.
 *
 * @module
 */
import { Bot } from "grammy";
import type { Config } from "../../config.ts";
import type { BotControl } from "../../runtime/supervisor.ts";
import type { BotDeps } from "../context.ts";

/** What the settings bot needs besides the common bot dependencies. */
export interface SettingsBotDeps extends BotDeps {
  /** Starts, stops and restarts the client and manager bots. */
  control: BotControl;
  config: Pick<Config, "adminIds" | "apiRoot">;
}

/** Builds the settings bot; it does not start it. */
export function createSettingsBot(token: string, deps: SettingsBotDeps): Bot {
  const bot = new Bot(token, { client: { apiRoot: deps.apiRoot } });
  bot.catch((err) => {
    deps.log.error("settings bot update failed", {
      update: err.ctx.update.update_id,
      err: err.error,
    });
  });
  return bot;
}
