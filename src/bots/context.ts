/**
 * What every bot of the service receives from the wiring code.
 *
 * @module
 */
import type { Api } from "grammy";
import type { Helpdesk } from "../services/helpdesk.ts";
import type { AlbumSink } from "./album_collector.ts";

/** Dependencies of the client and manager bots. */
export interface BotDeps extends Helpdesk {
  /** The settings bot's API: how admins are written to (alerts, scheduled reports). */
  adminApi?: () => Api | null;
  /** Collects album parts before they are relayed together. */
  albums: AlbumSink;
  /** Checks the channel, group and bots' rights now and alerts the admins of a change. */
  checkSetup?: () => Promise<void>;
}
