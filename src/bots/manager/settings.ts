/**
 * A manager's notification switches: /settings shows one button per kind; pressing one
 * switches that kind off or on (stored in `Manager.mute`).
 *
 * @module
 */
import { Composer } from "grammy";
import type { Manager } from "../../domain/records.ts";
import { type Lang, t } from "../../i18n/mod.ts";
import { deskButton, NOTIFY_KINDS } from "../../services/callback_data.ts";
import type { Screen } from "../../services/desk/format.ts";
import { setManagerAway, setManagerMute } from "../../storage/desk.ts";
import type { BotDeps } from "../context.ts";
import type { DeskCtx } from "./context.ts";
import { answer, onButton, onCommand, reply, showInPlace } from "./ui.ts";

/** The settings menu of one manager: away or here, then the notification switches. */
export function settingsScreen(lang: Lang, m: Manager): Screen {
  return {
    text: `${t(lang, m.away ? "desk_state_away" : "desk_state_here")}\n\n${
      t(lang, "desk_settings_head")
    }`,
    keyboard: [
      [{
        text: t(lang, m.away ? "desk_btn_back_here" : "desk_btn_away"),
        callback_data: deskButton({ type: "away", away: !m.away }),
      }],
      ...NOTIFY_KINDS.map((kind) => [{
        text: t(lang, m.mute?.includes(kind) ? "desk_setting_off" : "desk_setting_on", {
          what: t(lang, `desk_kind_${kind}`),
        }),
        callback_data: deskButton({ type: "mute", kind }),
      }]),
    ],
  };
}

/** Notification settings. */
export function notificationSettings(deps: BotDeps): Composer<DeskCtx> {
  const c = new Composer<DeskCtx>();
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
  // away / back: only a manager can be away (an admin who is no manager gets no tickets)
  for (const [cmd, away] of [["away", true], ["back", false]] as const) {
    onCommand(c, cmd, async (ctx, _arg, user) => {
      if (!user.manager) return void await ctx.reply(t(user.lang, "desk_away_not_manager"));
      await setManagerAway(deps.kv, user.manager.id, away);
      await ctx.reply(t(user.lang, away ? "desk_away_on" : "desk_away_off"));
    });
  }
  onButton(c, "away", async (ctx, b, user) => {
    if (!user.manager) return await answer(ctx, t(user.lang, "desk_settings_not_manager"), true);
    // the button says what to become: an old one pressed twice leaves the state as asked
    const m = await setManagerAway(deps.kv, user.manager.id, b.away);
    if (!m) return await answer(ctx, t(user.lang, "desk_settings_not_manager"), true);
    await showInPlace(ctx, settingsScreen(user.lang, m));
    await answer(ctx, t(user.lang, b.away ? "desk_away_on" : "desk_away_off"));
  });
  return c;
}
