/**
 * A manager's notification switches: /settings shows one button per kind; pressing one
 * switches that kind off or on (stored in `Manager.mute`).
 *
 * @module
 */
import { Composer, type Context } from "grammy";
import type { Manager } from "../../domain/records.ts";
import { type Lang, t } from "../../i18n/mod.ts";
import { deskButton, NOTIFY_KINDS } from "../../services/callback_data.ts";
import type { Screen } from "../../services/desk/format.ts";
import { setManagerMute } from "../../storage/desk.ts";
import type { BotDeps } from "../context.ts";
import { answer, onButton, onCommand, reply, showInPlace } from "./ui.ts";

/** The settings menu of one manager. */
export function settingsScreen(lang: Lang, m: Manager): Screen {
  return {
    text: t(lang, "desk_settings_head"),
    keyboard: NOTIFY_KINDS.map((kind) => [{
      text: t(lang, m.mute?.includes(kind) ? "desk_setting_off" : "desk_setting_on", {
        what: t(lang, `desk_kind_${kind}`),
      }),
      callback_data: deskButton({ type: "mute", kind }),
    }]),
  };
}

/** Notification settings. */
export function notificationSettings(deps: BotDeps): Composer<Context> {
  const c = new Composer<Context>();
  onCommand(c, "settings", async (ctx, _arg, user) => {
    if (!user.manager) return void await ctx.reply(t(user.lang, "desk_settings_not_manager"));
    await reply(ctx, settingsScreen(user.lang, user.manager));
  });
  onButton(c, "mute", async (ctx, b, user) => {
    if (!user.manager) return await answer(ctx, t(user.lang, "desk_settings_not_manager"), true);
    const muted = !(user.manager.mute ?? []).includes(b.kind);
    const m = await setManagerMute(deps.kv, user.manager.id, b.kind, muted);
    if (!m) return await answer(ctx, t(user.lang, "desk_settings_not_manager"), true);
    await showInPlace(ctx, settingsScreen(user.lang, m));
    await answer(ctx, t(user.lang, muted ? "desk_muted" : "desk_unmuted"));
  });
  return c;
}
