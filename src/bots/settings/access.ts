/**
 * Only admins get in: those in ADMIN_IDS and those added in the bot. Anyone else gets a short
 * refusal and nothing else. For admins it loads the language, the pending input and the
 * pressed button into the context.
 *
 * @module
 */
import { Composer, type Context } from "grammy";
import { langOf, t } from "../../i18n/mod.ts";
import { staffRole } from "../../services/roles.ts";
import { redeemClaim } from "../../storage/claim.ts";
import { getWait, rememberAdmin } from "../../storage/setup.ts";
import { parseButton } from "../../services/callback_data.ts";
import type { SCtx } from "./context.ts";
import type { SettingsBotDeps } from "./deps.ts";

/**
 * The admin gate: `features` run only for an admin in a private chat, with the context
 * filled in.
 */
export function access(deps: SettingsBotDeps, features: Composer<SCtx>): Composer<Context> {
  const c = new Composer<Context>();
  const inner = features.middleware();
  c.use(async (base, next) => {
    const ctx = base as SCtx;
    const from = ctx.from;
    // only people talk to the settings bot in private; the rest (groups, memberships) is ignored
    if (!from || from.is_bot || ctx.chat?.type !== "private") return;
    if (!ctx.message && !ctx.callbackQuery) return;
    const lang = langOf(from.language_code);
    if ((await staffRole(deps, from.id)) !== "admin") {
      // a fresh install's one-time link (/start claim_<code>) makes its opener the first admin
      const code = /^\/start claim_([A-Za-z0-9_-]{1,64})$/.exec(ctx.message?.text ?? "")?.[1];
      const claim = code ? await redeemClaim(deps.kv, code, from.id, deps.clock.now()) : null;
      if (claim === "claimed") await ctx.reply(t(lang, "s_claimed"));
      else {
        if (claim === "used" || claim === "expired") await ctx.reply(t(lang, `s_claim_${claim}`));
        const refused = t(lang, "s_refused_id", { id: from.id });
        if (ctx.callbackQuery) {
          await ctx.answerCallbackQuery({ text: refused, show_alert: true });
        } else await ctx.reply(refused);
        return;
      }
    }
    ctx.lang = lang;
    ctx.adminId = from.id;
    ctx.tr = (key, params) => t(lang, key, params);
    ctx.wait = await getWait(deps.kv, from.id);
    const data = ctx.callbackQuery?.data;
    ctx.button = data ? parseButton(data) : null;
    await rememberAdmin(deps.kv, from.id, lang, deps.clock.now());
    await inner(ctx, next);
  });
  return c;
}
