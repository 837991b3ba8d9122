/**
 * What the settings bot's features need, apart from the bot that composes them, so that the
 * features do not import the bot and the bot imports the features one way.
 *
 * @module
 */
import type { SetupDeps } from "../../services/setup/deps.ts";
import type { BotDeps } from "../context.ts";

/** What the settings bot needs: the common bot dependencies and the setup services'. */
export interface SettingsBotDeps extends BotDeps, SetupDeps {}
