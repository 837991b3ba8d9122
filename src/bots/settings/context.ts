/**
 * The settings bot's context: the admin's language, their pending input, and the parsed
 * button (set by the access middleware before any feature runs).
 *
 * @module
 */
import type { Context } from "grammy";
import type { Lang, TextKey } from "../../i18n/mod.ts";
import type { Wait } from "../../storage/setup.ts";
import type { Button } from "../../services/callback_data.ts";

/** What the access middleware adds to every update of an admin. */
export interface SettingsFlavor {
  lang: Lang;
  adminId: number;
  /** What the admin's next text means. */
  wait: Wait | null;
  /** The pressed button, validated. */
  button: Button | null;
  /** The admin's text in their language. */
  tr(key: TextKey, params?: Record<string, string | number>): string;
}

/** Context of the settings bot. */
export type SCtx = Context & SettingsFlavor;
