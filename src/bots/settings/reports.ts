/**
 * Reports in the settings bot: this week, last week, this month, last month or custom dates,
 * sent as an .xlsx file; and the schedule (off, daily, weekly, monthly).
 *
 * @module
 */
import { Composer, InlineKeyboard, InputFile } from "grammy";
import type { TextKey } from "../../i18n/mod.ts";
import {
  parseLocalDate,
  type PeriodKind,
  periodOf,
  periodOfDates,
} from "../../services/report/period.ts";
import { faqSolvedIn } from "../../storage/faq.ts";
import { getSettings, updateSettings } from "../../storage/settings.ts";
import { btn } from "../../services/callback_data.ts";
import type { SCtx } from "./context.ts";
import type { SettingsBotDeps } from "./deps.ts";
import { ask, backRow, done, onButton, onInput, say } from "./ui.ts";

const PERIODS: PeriodKind[] = ["this_week", "last_week", "this_month", "last_month"];
const SCHEDULES = ["off", "daily", "weekly", "monthly"] as const;

async function showReports(deps: SettingsBotDeps, ctx: SCtx): Promise<void> {
  const s = await getSettings(deps.kv);
  const kb = new InlineKeyboard();
  PERIODS.forEach((p, i) => {
    kb.text(ctx.tr(`s_rep_${p}` as TextKey), btn("rep", p));
    if (i % 2) kb.row();
  });
  kb.text(ctx.tr("s_rep_custom"), btn("rep", "custom")).row();
  for (const sch of SCHEDULES) {
    const mark = s.reportSchedule === sch ? "✅ " : "";
    kb.text(mark + ctx.tr(`s_rep_sched_${sch}` as TextKey), btn("rep_sched", sch));
  }
  await say(
    ctx,
    ctx.tr("s_rep_menu", { schedule: ctx.tr(`s_rep_sched_${s.reportSchedule}` as TextKey) }),
    backRow(ctx, kb),
  );
}

/** The caption's line of requests solved by ready answers (none when there were none). */
function faqLine(ctx: SCtx, solved: Map<string, number>): string {
  if (!solved.size) return "";
  const total = [...solved.values()].reduce((a, b) => a + b, 0);
  const byTopic = [...solved].sort((a, b) => b[1] - a[1]).slice(0, 5)
    .map(([topic, n]) => `${topic}: ${n}`).join(", ");
  return "\n" + ctx.tr("s_rep_faq_solved", { n: total, topics: byTopic });
}

async function send(
  deps: SettingsBotDeps,
  ctx: SCtx,
  period: { from: number; to: number },
): Promise<void> {
  await say(ctx, ctx.tr("s_rep_building"));
  const settings = await getSettings(deps.kv);
  // exceljs is heavy: loaded on the first report, not at start-up
  const { chartCaption, reportCaption, reportFile } = await import(
    "../../services/report/deliver.ts"
  );
  const file = await reportFile(deps, period, settings, ctx.lang);
  await ctx.replyWithDocument(new InputFile(file.bytes, file.name), {
    caption: reportCaption(ctx.lang, file.summary) +
      faqLine(ctx, await faqSolvedIn(deps.kv, period.from, period.to)),
  });
  // The picture of the same figures, for a glance without opening the workbook.
  if (file.summary.chart) {
    await ctx.replyWithPhoto(new InputFile(file.summary.chart, "chart.png"), {
      caption: chartCaption(ctx.lang, file.summary),
    });
  }
}

/** The reports section. */
export function reports(deps: SettingsBotDeps): Composer<SCtx> {
  const c = new Composer<SCtx>();
  onButton(c, ["reports"], (ctx) => showReports(deps, ctx));
  onButton(c, ["rep"], async (ctx, [which]) => {
    if (which === "custom") {
      return await ask(ctx, deps.kv, { kind: "report_dates" }, ctx.tr("s_rep_ask_dates"));
    }
    const kind = PERIODS.find((p) => p === which);
    if (!kind) return void await ctx.answerCallbackQuery({ text: ctx.tr("s_stale_button") });
    const s = await getSettings(deps.kv);
    await send(deps, ctx, periodOf(kind, deps.clock.now(), s.timeZone));
  });
  onInput(c, "report_dates", async (ctx, m) => {
    const [a, b] = (m.text ?? "").trim().split(/\s+/);
    const from = a ? parseLocalDate(a) : undefined;
    const to = b ? parseLocalDate(b) : undefined;
    const s = await getSettings(deps.kv);
    const period = from && to ? periodOfDates(from, to, s.timeZone, true) : null;
    if (!period || period.to <= period.from) {
      return void await ctx.reply(ctx.tr("s_rep_bad_dates"));
    }
    await done(ctx, deps.kv);
    await send(deps, ctx, period);
  });
  onButton(c, ["rep_sched"], async (ctx, [which]) => {
    const sch = SCHEDULES.find((x) => x === which);
    if (!sch) return void await ctx.answerCallbackQuery({ text: ctx.tr("s_stale_button") });
    await updateSettings(deps.kv, ctx.adminId, deps.clock.now(), () => ({ reportSchedule: sch }));
    await showReports(deps, ctx);
  });
  return c;
}
