/**
 * Choosing the managers' channel: offered when the manager bot is made its admin, or named
 * by a forwarded post, an @username or an id. The discussion group follows from the channel.
 *
 * @module
 */
import { type Api, Composer, InlineKeyboard } from "grammy";
import { t } from "../../i18n/mod.ts";
import { channelRefOf, chooseChannel } from "../../services/setup/channel.ts";
import { tellAdmins } from "../../services/admin_alerts.ts";
import { onSetupSignal } from "../../services/setup/signals.ts";
import { getSettings } from "../../storage/settings.ts";
import { listOffers } from "../../storage/setup.ts";
import { btn, intArg } from "../../services/callback_data.ts";
import type { SCtx } from "./context.ts";
import type { SettingsBotDeps } from "./deps.ts";
import { problemLines, showStatus } from "./status.ts";
import { ask, done, onButton, onInput, say } from "./ui.ts";

async function choose(
  deps: SettingsBotDeps,
  ctx: SCtx,
  ref: Parameters<typeof chooseChannel>[2],
  confirmed = false,
) {
  const r = await chooseChannel(deps, ctx.adminId, ref, { confirmed });
  if (!r.ok && r.reason === "confirm_switch") {
    const s = await getSettings(deps.kv);
    // typed or forwarded, there is no button to answer (grammY throws at once, not async)
    if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => {});
    await ctx.reply(
      ctx.tr("s_channel_confirm_switch", { title: r.title, current: String(s.channelId) }),
      {
        reply_markup: new InlineKeyboard()
          .text(ctx.tr("s_btn_switch_channel"), btn("ch_yes", r.channelId))
          .text(ctx.tr("s_btn_cancel"), btn("cancel")),
      },
    );
    return;
  }
  if (!r.ok && r.reason === "doctor_failed") {
    const s = await getSettings(deps.kv);
    const lines = [ctx.tr("s_channel_doctor_failed", { title: r.title })];
    return void await say(ctx, [...lines, ...problemLines(ctx, r.problems, s)].join("\n"));
  }
  if (!r.ok) return void await say(ctx, ctx.tr(`s_channel_${r.reason}`));
  await done(ctx, deps.kv);
  await say(ctx, ctx.tr("s_channel_chosen", { title: r.title }));
  await showStatus(deps, ctx);
}

/** The channel step of the setup. */
export function channel(deps: SettingsBotDeps): Composer<SCtx> {
  const c = new Composer<SCtx>();
  onButton(c, ["channel"], async (ctx) => {
    await setWaitAndOffer(deps, ctx);
  });
  onButton(c, ["ch"], async (ctx, [id]) => {
    const chatId = intArg(id);
    if (chatId === null || chatId >= 0) {
      return void await ctx.answerCallbackQuery({ text: ctx.tr("s_stale_button") });
    }
    await choose(deps, ctx, chatId);
  });
  onButton(c, ["ch_yes"], async (ctx, [id]) => {
    const chatId = intArg(id);
    if (chatId === null || chatId >= 0) {
      return void await ctx.answerCallbackQuery({ text: ctx.tr("s_stale_button") });
    }
    await choose(deps, ctx, chatId, true);
  });
  onInput(c, "channel", async (ctx, m) => {
    const ref = channelRefOf(m);
    if (ref === null) return void await ctx.reply(ctx.tr("s_channel_bad_input"));
    await choose(deps, ctx, ref);
  });
  return c;
}

async function setWaitAndOffer(deps: SettingsBotDeps, ctx: SCtx): Promise<void> {
  const offers = await listOffers(deps.kv);
  await ask(ctx, deps.kv, { kind: "channel" }, ctx.tr("s_ask_channel"));
  if (offers.length) {
    const kb = new InlineKeyboard();
    for (const o of offers) kb.text(o.title || String(o.chatId), btn("ch", o.chatId)).row();
    await ctx.reply(ctx.tr("s_channel_offers"), { reply_markup: kb });
  }
}

/**
 * Tells every admin what the manager bot learned (a channel it was added to, a manager who
 * joined). Admins who never wrote to the settings bot cannot be written to; they see the
 * offer in the channel step instead.
 */
export function listenSignals(deps: SettingsBotDeps, api: Api): void {
  onSetupSignal(deps.kv, async (sig) => {
    await tellAdmins(
      deps,
      (id, lang) =>
        sig.type === "channel_offer"
          ? api.sendMessage(id, t(lang, "s_channel_offer", { title: sig.title }), {
            reply_markup: new InlineKeyboard().text(
              t(lang, "s_btn_use_channel"),
              btn("ch", sig.chatId),
            ),
          })
          : api.sendMessage(id, t(lang, "s_manager_joined", { name: sig.name })),
      (id, e) => deps.log.debug("could not tell an admin", { admin: id, err: e }),
    );
  });
}
