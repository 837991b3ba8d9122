/**
 * Working time and targets: time zone, weekly hours (or 24/7), holidays, target reaction and
 * close times, and the warn share — typed in plain forms and checked by the domain parsers.
 *
 * @module
 */
import { fitLines } from "../../services/text_fit.ts";
import { Composer, InlineKeyboard } from "grammy";
import {
  formatDuration,
  formatWeekHours,
  parseDate,
  parseDuration,
  parsePercent,
  parseTimeZone,
  parseWeekHours,
} from "../../domain/durations.ts";
import type { Settings } from "../../domain/settings.ts";
import type { TextKey } from "../../i18n/mod.ts";
import { getSettings, updateSettings } from "../../storage/settings.ts";
import { btn } from "../../services/callback_data.ts";
import type { SCtx } from "./context.ts";
import type { SettingsBotDeps } from "./deps.ts";
import { ask, backRow, done, onButton, onInput, say } from "./ui.ts";

/** The fields of this section, as used in button data. */
const FIELDS = [
  "tz",
  "week",
  "hol",
  "react",
  "closet",
  "warn",
  "quiet",
  "lowr",
  "tlang",
  "ph",
  "pu",
] as const;
type Field = typeof FIELDS[number];

/** Parses the admin's text for a field into a settings patch, or a locale error key. */
function parseField(
  field: Field,
  text: string,
  s: Settings,
): { ok: true; patch: Partial<Settings> } | { ok: false; error: TextKey } {
  const err = (code: string) => ({ ok: false as const, error: `s_err_${code}` as TextKey });
  switch (field) {
    case "tz": {
      const r = parseTimeZone(text);
      return r.ok ? { ok: true, patch: { timeZone: r.value } } : err(r.error);
    }
    case "week": {
      const r = parseWeekHours(text);
      return r.ok ? { ok: true, patch: { always: r.value.always, week: r.value.week } } : err(
        r.error,
      );
    }
    case "hol": {
      // "2026-12-31" adds a day, "-2026-12-31" removes it; several separated by spaces or commas
      const days = new Set(s.holidays);
      for (const item of text.split(/[\s,;]+/).filter(Boolean)) {
        const remove = item.startsWith("-") && item.length > 1;
        const r = parseDate(remove ? item.slice(1) : item);
        if (!r.ok) return err(r.error);
        if (remove) days.delete(r.value);
        else days.add(r.value);
      }
      return { ok: true, patch: { holidays: [...days].sort() } };
    }
    case "react":
    case "closet": {
      const r = parseDuration(text);
      if (!r.ok) return err(r.error);
      return {
        ok: true,
        patch: field === "react" ? { reactionTargetMs: r.value } : { closeTargetMs: r.value },
      };
    }
    case "warn": {
      const r = parsePercent(text);
      return r.ok ? { ok: true, patch: { warnShare: r.value } } : err(r.error);
    }
    case "quiet": {
      // 0 turns the automatic close off
      const n = /^\s*(\d{1,2})\s*$/.exec(text);
      if (!n || Number(n[1]) > 90) return err("quiet_days");
      return { ok: true, patch: { quietDays: Number(n[1]) } };
    }
    case "lowr": {
      const n = /^\s*([1-4])\s*$/.exec(text);
      return n ? { ok: true, patch: { lowRating: Number(n[1]) } } : err("low_rating");
    }
    case "ph":
    case "pu": {
      // "10m 4h": the reaction and the close target of the priority; "-" uses the general ones
      const priority = field === "ph" ? "high" : "urgent";
      const targets = { ...s.priorityTargets };
      if (text.trim() === "-") {
        delete targets[priority];
        return { ok: true, patch: { priorityTargets: targets } };
      }
      const parts = text.trim().split(/\s+/);
      if (parts.length !== 2) return err("prio_targets");
      const [react, close] = parts.map((p) => parseDuration(p));
      if (!react?.ok) return react ? err(react.error) : err("prio_targets");
      if (!close?.ok) return close ? err(close.error) : err("prio_targets");
      targets[priority] = { reactionTargetMs: react.value, closeTargetMs: close.value };
      return { ok: true, patch: { priorityTargets: targets } };
    }
    case "tlang": {
      const v = text.trim().toLowerCase();
      const lang = v === "ru" || v.startsWith("рус")
        ? "ru"
        : v === "en" || v.startsWith("eng")
        ? "en"
        : null;
      return lang ? { ok: true, patch: { teamLang: lang } } : err("team_lang");
    }
  }
}

/** Holidays from today on in order, then the past ones, latest first. */
function holidaysNearestFirst(days: readonly string[], now: number): string[] {
  const today = new Date(now).toISOString().slice(0, 10);
  const sorted = [...days].sort();
  return [...sorted.filter((d) => d >= today), ...sorted.filter((d) => d < today).reverse()];
}

async function showHours(deps: SettingsBotDeps, ctx: SCtx): Promise<void> {
  const s = await getSettings(deps.kv);
  const text = ctx.tr("s_hours_view", {
    tz: s.timeZone,
    week: formatWeekHours(s.week, s.always),
    // the nearest first: past days matter least, and the list may have grown to hundreds
    holidays: s.holidays.length
      ? fitLines(
        holidaysNearestFirst(s.holidays, deps.clock.now()),
        (n) => ctx.tr("s_and_more", { n }),
        1500,
        ", ",
      )
      : "—",
    react: formatDuration(s.reactionTargetMs, { lang: ctx.lang }),
    close: formatDuration(s.closeTargetMs, { lang: ctx.lang }),
    warn: `${Math.round(s.warnShare * 100)}%`,
  }) + "\n" + ctx.tr("s_team_prefs_view", {
    quiet: s.quietDays > 0 ? String(s.quietDays) : ctx.tr("s_off"),
    lowr: s.lowRating,
    tlang: s.teamLang === "ru" ? "Русский" : "English",
  }) + "\n" + (["high", "urgent"] as const).map((p) => {
    const own = s.priorityTargets[p];
    return ctx.tr(`s_prio_targets_${p}`, {
      targets: own
        ? ctx.tr("s_prio_targets_own", {
          react: formatDuration(own.reactionTargetMs, { lang: ctx.lang }),
          close: formatDuration(own.closeTargetMs, { lang: ctx.lang }),
        })
        : ctx.tr("s_prio_targets_general"),
    });
  }).join("\n");
  const kb = new InlineKeyboard()
    .text(ctx.tr("s_btn_set_tz"), btn("set", "tz"))
    .text(ctx.tr("s_btn_set_week"), btn("set", "week")).row()
    .text(ctx.tr("s_btn_set_hol"), btn("set", "hol"))
    .text(ctx.tr("s_btn_hol_clear"), btn("hol_clear")).row()
    .text(ctx.tr("s_btn_set_react"), btn("set", "react"))
    .text(ctx.tr("s_btn_set_closet"), btn("set", "closet")).row()
    .text(ctx.tr("s_btn_set_warn"), btn("set", "warn")).row()
    .text(ctx.tr("s_btn_set_quiet"), btn("set", "quiet"))
    .text(ctx.tr("s_btn_set_lowr"), btn("set", "lowr")).row()
    .text(ctx.tr("s_btn_set_tlang"), btn("set", "tlang")).row()
    .text(ctx.tr("s_btn_set_ph"), btn("set", "ph"))
    .text(ctx.tr("s_btn_set_pu"), btn("set", "pu"));
  await say(ctx, text, backRow(ctx, kb));
}

/** The working time section. */
export function hours(deps: SettingsBotDeps): Composer<SCtx> {
  const c = new Composer<SCtx>();
  onButton(c, ["hours"], (ctx) => showHours(deps, ctx));
  onButton(c, ["set"], async (ctx, [f]) => {
    const field = FIELDS.find((x) => x === f);
    if (!field) return void await ctx.answerCallbackQuery({ text: ctx.tr("s_stale_button") });
    await ask(ctx, deps.kv, { kind: "hours", arg: field }, ctx.tr(`s_ask_${field}` as TextKey));
  });
  onButton(c, ["hol_clear"], async (ctx) => {
    await updateSettings(deps.kv, ctx.adminId, deps.clock.now(), () => ({ holidays: [] }));
    await showHours(deps, ctx);
  });
  onInput(c, "hours", async (ctx, m, w) => {
    const field = FIELDS.find((x) => x === w.arg);
    if (!field) return void await done(ctx, deps.kv);
    const r = parseField(field, m.text ?? "", await getSettings(deps.kv));
    if (!r.ok) return void await ctx.reply(ctx.tr(r.error));
    // two admins editing the same field at once: the last one wins, both are in the log
    await updateSettings(deps.kv, ctx.adminId, deps.clock.now(), () => r.patch);
    await done(ctx, deps.kv);
    await ctx.reply(ctx.tr("s_saved"));
    await showHours(deps, ctx);
  });
  return c;
}
