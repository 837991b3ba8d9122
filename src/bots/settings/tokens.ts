/**
 * The client and manager bots' tokens: the admin pastes one, the message is deleted at once,
 * the token is checked with getMe and saved; a new token of the same bot is a rotation, a
 * different bot a migration that must be confirmed (on an open helpdesk, only once the doctor
 * passes with the new bot). The token is never echoed or logged.
 *
 * @module
 */
import { Composer, InlineKeyboard } from "grammy";
import type { BotKind } from "../../services/deps.ts";
import {
  applyToken,
  type BotIdentity,
  checkToken,
  looksLikeToken,
  planToken,
  tokenIn,
} from "../../services/setup/token.ts";
import { runDoctor } from "../../services/setup/doctor.ts";
import { getSettings } from "../../storage/settings.ts";
import {
  dropPendingMigration,
  putPendingMigration,
  takePendingMigration,
} from "../../storage/pending_migration.ts";
import { seal, unseal } from "../../services/setup/seal.ts";
import { btn, kindArg } from "../../services/callback_data.ts";
import type { SCtx } from "./context.ts";
import type { SettingsBotDeps } from "./deps.ts";
import { problemLines, showStatus } from "./status.ts";
import { ask, done, onButton, say } from "./ui.ts";

const PENDING_MS = 10 * 60_000;

/** Handles token buttons and pasted tokens. */
export function tokens(deps: SettingsBotDeps): Composer<SCtx> {
  const c = new Composer<SCtx>();

  onButton(c, ["token"], async (ctx, [k]) => {
    const kind = kindArg(k);
    if (!kind) return void await ctx.answerCallbackQuery({ text: ctx.tr("s_stale_button") });
    await ask(
      ctx,
      deps.kv,
      { kind: "token", arg: kind },
      ctx.tr(kind === "client" ? "s_ask_token_client" : "s_ask_token_manager"),
    );
  });

  const save = async (
    ctx: SCtx,
    kind: BotKind,
    type: "new" | "rotation" | "migration",
    bot: BotIdentity,
    token: string,
  ) => {
    await done(ctx, deps.kv);
    await ctx.reply(ctx.tr("s_token_checking"));
    const st = await applyToken(deps, ctx.adminId, { type, kind, bot }, token);
    await ctx.reply(ctx.tr(type === "rotation" ? "s_token_rotated" : "s_token_saved", {
      bot: ctx.tr(kind === "client" ? "s_bot_client" : "s_bot_manager"),
      username: `@${bot.username}`,
      state: ctx.tr(`s_state_${st.state}`),
    }));
    await showStatus(deps, ctx);
  };

  /**
   * On an open helpdesk a different bot takes over only if the doctor passes with it (it must
   * already be an admin of the channel and the group); otherwise says what to fix first.
   */
  const migrationReady = async (ctx: SCtx, kind: BotKind, bot: BotIdentity, token: string) => {
    const s = await getSettings(deps.kv);
    if (!s.open) return true;
    const proposed = kind === "client"
      ? { clientBotToken: token, clientBotId: bot.id, clientBotUsername: bot.username }
      : { managerBotToken: token, managerBotId: bot.id, managerBotUsername: bot.username };
    const report = await runDoctor(deps, ctx.adminId, proposed);
    if (report.ok) return true;
    const blockers = report.problems.filter((p) => p.severity === "blocker");
    const head = ctx.tr("s_migration_not_ready", { username: `@${bot.username}` });
    await say(ctx, [head, ...problemLines(ctx, blockers, { ...s, ...proposed })].join("\n"));
    return false;
  };

  c.on("message:text", async (ctx, next) => {
    const text = ctx.message.text;
    const waiting = ctx.wait?.kind === "token" ? kindArg(String(ctx.wait.arg)) : null;
    if (!waiting && !looksLikeToken(text)) return await next();
    // the token must not stay in the chat history, whatever happens next
    await ctx.deleteMessage().catch((e) =>
      deps.log.warn("could not delete a token message", { err: e })
    );
    const token = tokenIn(text);
    const r = await checkToken(deps, token);
    if (!r.ok) {
      await ctx.reply(ctx.tr(`s_token_${r.reason}`));
      return;
    }
    const s = await getSettings(deps.kv);
    const kind: BotKind | null = waiting ??
      (r.bot.id === s.clientBotId ? "client" : r.bot.id === s.managerBotId ? "manager" : null);
    if (!kind) {
      await ctx.reply(
        ctx.tr("s_token_which"),
        {
          reply_markup: new InlineKeyboard().text(
            ctx.tr("s_btn_token_client"),
            btn("token", "client"),
          ).text(ctx.tr("s_btn_token_manager"), btn("token", "manager")),
        },
      );
      return;
    }
    const plan = planToken(s, kind, r.bot, ctx.me.id);
    if (plan.type === "other_bot" || plan.type === "settings_bot") {
      await ctx.reply(ctx.tr(`s_token_${plan.type}`, { username: `@${r.bot.username}` }));
      return;
    }
    if (plan.type === "rotation") {
      const current = kind === "client" ? s.clientBotToken : s.managerBotToken;
      if (current === token) {
        // the same token again: nothing to save, nothing to restart
        await done(ctx, deps.kv);
        await ctx.reply(ctx.tr("s_token_same", { username: `@${r.bot.username}` }));
        return;
      }
    }
    if (plan.type === "migration") {
      await done(ctx, deps.kv);
      if (!await migrationReady(ctx, kind, r.bot, token)) return;
      // in KV, sealed: the yes may reach another instance, or this one restarted
      await putPendingMigration(deps.kv, ctx.adminId, {
        kind,
        sealed: await seal(ctx.api.token, token),
        bot: r.bot,
        until: deps.clock.now() + PENDING_MS,
      }, PENDING_MS);
      const old = kind === "client" ? s.clientBotUsername : s.managerBotUsername;
      await ctx.reply(
        ctx.tr(kind === "client" ? "s_migration_client" : "s_migration_manager", {
          old: old ? `@${old}` : "—",
          username: `@${r.bot.username}`,
        }),
        {
          reply_markup: new InlineKeyboard()
            .text(ctx.tr("s_btn_migrate"), btn("mig_ok"))
            .text(ctx.tr("s_btn_cancel"), btn("cancel")),
        },
      );
      return;
    }
    await save(ctx, kind, plan.type, r.bot, token);
  });

  onButton(c, ["mig_ok"], async (ctx) => {
    const rec = await takePendingMigration(deps.kv, ctx.adminId);
    const token = rec && rec.until >= deps.clock.now()
      ? await unseal(ctx.api.token, rec.sealed)
      : null;
    if (!rec || token === null) return void await say(ctx, ctx.tr("s_migration_expired"));
    const p = { kind: rec.kind, bot: rec.bot as BotIdentity, token };
    await ctx.answerCallbackQuery();
    // the chats may have changed since the question: check again before switching
    if (!await migrationReady(ctx, p.kind, p.bot, p.token)) return;
    await save(ctx, p.kind, "migration", p.bot, p.token);
  });
  onButton(c, ["cancel"], async (ctx) => {
    await dropPendingMigration(deps.kv, ctx.adminId);
    await done(ctx, deps.kv);
    await say(ctx, ctx.tr("s_cancelled"));
  });
  return c;
}
