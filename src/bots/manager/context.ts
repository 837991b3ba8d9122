/**
 * The manager bot's context: what the desk's access gate (`access.ts`) adds to an update of a
 * manager or an admin, as the client bot's gate adds `ClientFlavor` and the settings bot's adds
 * `SettingsFlavor`: context fields, typed, written once before any feature runs.
 *
 * @module
 */
import type { Context } from "grammy";
import type { DeskUser } from "../../services/desk/access.ts";
import type { DeskButton } from "../../services/callback_data.ts";

/** What the access gate adds to the context of a desk update. */
export interface DeskFlavor {
  /** Who the user is to the desk. */
  desk?: DeskUser;
  /** The pressed desk button, validated. */
  deskButton?: DeskButton;
}

/** Context of the manager bot. */
export type DeskCtx = Context & DeskFlavor;
