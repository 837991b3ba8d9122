/**
 * What the settings bot's features need, apart from the bot that composes them, so that the
 * features do not import the bot and the bot imports the features one way.
 *
 * @module
 */
import type { Config } from "../../config.ts";
import type { BotControl } from "../../services/deps.ts";
import type { SetupDeps } from "../../services/setup/deps.ts";
import type { BotDeps } from "../context.ts";

/** What the settings bot needs besides the common bot dependencies. */
export interface SettingsBotDeps extends BotDeps, SetupDeps {
  /** Starts, stops and restarts the client and manager bots. */
  control: BotControl;
  config: Pick<Config, "adminIds" | "apiRoot">;
}
