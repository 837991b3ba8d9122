/**
 * What the setup services need: the helpdesk services (with the Bot API address, to call
 * Telegram with each bot's own token) and control over the client and manager bots.
 *
 * @module
 */
import type { BotControl } from "../deps.ts";
import type { Helpdesk } from "../helpdesk.ts";

/** Dependencies of the setup services. */
export interface SetupDeps extends Helpdesk {
  /** Starts, stops and restarts the client and manager bots. */
  control: BotControl;
  /** How the bots receive updates; in webhook mode a set webhook is ours, not a conflict. */
  mode?: "polling" | "webhook";
}
