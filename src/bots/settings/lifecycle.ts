/**
 * Opening and closing the service, and stopping or restarting the client and manager bots
 * inside the running process.
 *
 * @module
 */
import { Composer, InlineKeyboard, InputFile } from "grammy";
import { closeService, openService, qrPng, startBot, stopBot } from "../../services/setup/open.ts";
import { btn, kindArg } from "../../services/callback_data.ts";
import type { SCtx } from "./context.ts";
import type { SettingsBotDeps } from "./deps.ts";
import { showStatus } from "./status.ts";
import { backRow, onButton, say } from "./ui.ts";

async function open(deps: SettingsBotDeps, ctx: SCtx): Promise<void> {
  if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => {});
  const r = await openService(deps, ctx.adminId);
  if (!r.ok) {
    await ctx.reply(ctx.tr("s_open_refused"));
    return await showStatus(deps, ctx);
  }
  await ctx.reply(ctx.tr("s_opened", { link: r.link ?? "—" }));
  if (r.link) {
    await ctx.replyWithPhoto(new InputFile(await qrPng(r.link), "client_bot_qr.png"), {
      caption: r.link,
    });
  }
}

async function showBots(deps: SettingsBotDeps, ctx: SCtx): Promise<void> {
  const kb = new InlineKeyboard();
  const lines = [ctx.tr("s_bots_title")];
  for (const st of await deps.control.status()) {
    const name = ctx.tr(st.kind === "client" ? "s_bot_client" : "s_bot_manager");
    lines.push(`${name}: ${ctx.tr(`s_state_${st.state}`)}`);
    kb.text(ctx.tr("s_btn_restart", { bot: name }), btn("restart", st.kind))
      .text(ctx.tr("s_btn_stop", { bot: name }), btn("stop", st.kind)).row();
  }
  // a new token: a rotation after a revoke in @BotFather, or a switch to another bot
  kb.text(ctx.tr("s_btn_token_client"), btn("token", "client"))
    .text(ctx.tr("s_btn_token_manager"), btn("token", "manager")).row();
  await say(ctx, lines.join("\n"), backRow(ctx, kb));
}

/** Open/close, and the bots' stop and restart buttons. */
export function lifecycle(deps: SettingsBotDeps): Composer<SCtx> {
  const c = new Composer<SCtx>();
  c.command("open", (ctx) => open(deps, ctx));
  onButton(c, ["open"], (ctx) => open(deps, ctx));
  onButton(c, ["close"], async (ctx) => {
    await closeService(deps, ctx.adminId);
    await say(ctx, ctx.tr("s_closed"));
  });
  onButton(c, ["bots"], (ctx) => showBots(deps, ctx));
  onButton(c, ["stop"], async (ctx, [k]) => {
    const kind = kindArg(k);
    if (!kind) return void await ctx.answerCallbackQuery({ text: ctx.tr("s_stale_button") });
    // stopping a bot silences the helpdesk for its side: said first, done only on a yes
    await say(
      ctx,
      ctx.tr(kind === "client" ? "s_stop_confirm_client" : "s_stop_confirm_manager"),
      new InlineKeyboard()
        .text(ctx.tr("s_btn_stop_yes"), btn("stop_yes", kind))
        .text(ctx.tr("s_btn_cancel"), btn("bots")),
    );
  });
  onButton(c, ["stop_yes", "restart"], async (ctx, [k]) => {
    const kind = kindArg(k);
    if (!kind) return void await ctx.answerCallbackQuery({ text: ctx.tr("s_stale_button") });
    await ctx.answerCallbackQuery();
    if (ctx.button?.action === "stop_yes") await stopBot(deps, kind, ctx.adminId);
    else await startBot(deps, kind, ctx.adminId);
    await showBots(deps, ctx);
  });
  return c;
}
