/**
 * The texts clients get, per language: the greeting and the off-hours auto-reply. Empty means
 * the built-in text.
 *
 * @module
 */
import { Composer, InlineKeyboard } from "grammy";
import { z } from "zod";
import { t, type TextKey } from "../../i18n/mod.ts";
import { getSettings, updateSettings } from "../../storage/settings.ts";
import { btn } from "../../services/callback_data.ts";
import type { SCtx } from "./context.ts";
import type { SettingsBotDeps } from "./deps.ts";
import { ask, backRow, done, onButton, onInput, say } from "./ui.ts";

const which = z.tuple([z.enum(["greeting", "offHours"]), z.enum(["ru", "en"])]);
const MAX_CHARS = 3000;
/** The built-in text of each kind (the client bot's own locale keys). */
const BUILT_IN: Record<"greeting" | "offHours", TextKey> = {
  greeting: "greeting",
  offHours: "off_hours",
};

async function showTexts(deps: SettingsBotDeps, ctx: SCtx): Promise<void> {
  const s = await getSettings(deps.kv);
  const lines = [ctx.tr("s_texts_title")];
  const kb = new InlineKeyboard();
  for (const kind of ["greeting", "offHours"] as const) {
    for (const lang of ["ru", "en"] as const) {
      const custom = s.texts[kind][lang];
      lines.push(
        "",
        ctx.tr(kind === "greeting" ? "s_text_greeting" : "s_text_off_hours", { lang }) +
          (custom ? "" : ` ${ctx.tr("s_text_builtin")}`),
        custom || t(lang, BUILT_IN[kind]),
      );
      kb.text(
        `✏️ ${ctx.tr(kind === "greeting" ? "s_text_greeting" : "s_text_off_hours", { lang })}`,
        btn("text", kind, lang),
      );
      if (custom) kb.text("↩️", btn("text_reset", kind, lang));
      kb.row();
    }
  }
  await say(ctx, lines.join("\n"), backRow(ctx, kb));
}

/** The texts section. */
export function texts(deps: SettingsBotDeps): Composer<SCtx> {
  const c = new Composer<SCtx>();
  onButton(c, ["texts"], (ctx) => showTexts(deps, ctx));
  onButton(c, ["text", "text_reset"], async (ctx, args) => {
    const r = which.safeParse(args);
    if (!r.success) return void await ctx.answerCallbackQuery({ text: ctx.tr("s_stale_button") });
    const [kind, lang] = r.data;
    if (ctx.button?.action === "text") {
      return await ask(
        ctx,
        deps.kv,
        { kind: "text", arg: `${kind}_${lang}` },
        ctx.tr("s_ask_text"),
      );
    }
    await updateSettings(deps.kv, ctx.adminId, deps.clock.now(), (s) => {
      const rest = { ...s.texts[kind] };
      delete rest[lang];
      return { texts: { ...s.texts, [kind]: rest } };
    });
    await showTexts(deps, ctx);
  });
  onInput(c, "text", async (ctx, m, w) => {
    const r = which.safeParse(String(w.arg).split("_"));
    if (!r.success) return void await done(ctx, deps.kv);
    const [kind, lang] = r.data;
    const text = (m.text ?? "").trim();
    if (!text || text.length > MAX_CHARS) {
      return void await ctx.reply(ctx.tr("s_text_bad", { max: MAX_CHARS }));
    }
    await updateSettings(deps.kv, ctx.adminId, deps.clock.now(), (s) => ({
      texts: { ...s.texts, [kind]: { ...s.texts[kind], [lang]: text } },
    }));
    await done(ctx, deps.kv);
    await ctx.reply(ctx.tr("s_saved"));
    await showTexts(deps, ctx);
  });
  return c;
}
