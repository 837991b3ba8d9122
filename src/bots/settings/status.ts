/**
 * `/status` and the setup checklist: each bot's state and how long since it last received
 * updates, the channel and group, and the doctor's findings in plain words with the fixes.
 *
 * @module
 */
import { Composer, InlineKeyboard } from "grammy";
import { formatDuration } from "../../domain/durations.ts";
import type { TextKey } from "../../i18n/mod.ts";
import { redact } from "../../log.ts";
import type { Settings } from "../../domain/settings.ts";
import { type Problem, runDoctor } from "../../services/setup/doctor.ts";
import { apiFor } from "../../services/setup/token.ts";
import { getSettings } from "../../storage/settings.ts";
import { btn, kindArg } from "../../services/callback_data.ts";
import type { SCtx } from "./context.ts";
import type { SettingsBotDeps } from "./deps.ts";
import { backRow, onButton, say } from "./ui.ts";

/** Telegram drops undelivered updates after 24 h: warn well before. */
const STALE_MS = 20 * 3_600_000;

/** Runs the doctor and shows the full status with the buttons that fix what is missing. */
export async function showStatus(deps: SettingsBotDeps, ctx: SCtx): Promise<void> {
  const report = await runDoctor(deps, ctx.adminId);
  const [states, s] = await Promise.all([deps.control.status(), getSettings(deps.kv)]);
  const now = deps.clock.now();
  const lines: string[] = [ctx.tr(s.open ? "s_status_open" : "s_status_closed"), ""];
  for (const st of states) {
    const age = st.lastUpdateAt === null ? null : now - st.lastUpdateAt;
    // a bot not connected yet has no name: "Client bot: no token", not "Client bot —: …"
    lines.push(
      ctx.tr("s_bot_line", {
        bot: ctx.tr(st.kind === "client" ? "s_bot_client" : "s_bot_manager"),
        username: st.username ? `@${st.username}` : "",
        state: ctx.tr(`s_state_${st.state}` as TextKey),
        seen: age === null ? ctx.tr("s_never") : ctx.tr("s_ago", {
          time: formatDuration(Math.max(age, 1000), { maxUnits: 2, lang: ctx.lang }),
        }),
      }).replace(/ +:/, ":"),
    );
    if (st.lastError && st.state !== "running" && st.state !== "setup") {
      lines.push(ctx.tr("s_bot_error", { error: redact(st.lastError) }));
    }
    if (age !== null && age > STALE_MS && st.state !== "running" && st.state !== "setup") {
      lines.push(ctx.tr("s_stale"));
    }
  }
  lines.push(
    "",
    report.channel ? ctx.tr("s_channel_line", { title: report.channel.title }) : ctx.tr(
      "s_channel_none",
    ),
  );
  if (report.group) lines.push(ctx.tr("s_group_line", { title: report.group.title }));
  // further desks, each with its topics (their gaps are among the problems below)
  for (const d of s.desks) {
    lines.push(ctx.tr("s_desk_line", {
      id: d.id,
      title: d.title,
      topics: d.topics.length ? d.topics.join(", ") : "—",
    }));
  }
  lines.push("");
  // "passed" only when the setup is right and both bots run: a stopped bot answers nobody
  const down = states.filter((st) => st.state !== "running" && st.state !== "setup")
    .map((st) => ctx.tr(st.kind === "client" ? "s_bot_client" : "s_bot_manager"));
  if (report.problems.length === 0 && down.length) {
    lines.push(ctx.tr("s_doctor_bots_down", { bots: down.join(", ") }));
  } else if (report.problems.length === 0) lines.push(ctx.tr("s_doctor_ok"));
  else {
    lines.push(ctx.tr(report.ok ? "s_doctor_warnings" : "s_doctor_problems"));
    lines.push(...problemLines(ctx, report.problems, s));
  }
  const kb = new InlineKeyboard();
  const has = (code: string, bot?: string) =>
    report.problems.some((p) => p.code === code && (!bot || p.bot === bot));
  for (const kind of ["client", "manager"] as const) {
    if (has("token_missing", kind) || has("token_rejected", kind)) {
      kb.text(
        ctx.tr(kind === "client" ? "s_btn_token_client" : "s_btn_token_manager"),
        btn("token", kind),
      ).row();
    }
    if (has("webhook_set", kind)) {
      kb.text(ctx.tr("s_btn_unhook", { bot: ctx.tr(`s_bot_${kind}`) }), btn("unhook", kind)).row();
    }
  }
  // the channel can be changed from a healthy helpdesk too (with a confirmation when open)
  kb.text(ctx.tr(report.channel ? "s_btn_change_channel" : "s_btn_channel"), btn("channel")).row();
  if (down.length) kb.text(ctx.tr("s_btn_bots"), btn("bots")).row();
  kb.text(ctx.tr("s_btn_recheck"), btn("status"));
  if (!s.open && report.ok) kb.text(ctx.tr("s_btn_open"), btn("open"));
  await say(ctx, lines.join("\n"), backRow(ctx, kb));
}

/** The doctor's findings as bullet lines in the admin's language, each with its fix. */
export function problemLines(
  ctx: SCtx,
  problems: readonly Problem[],
  s: Pick<Settings, "clientBotUsername" | "managerBotUsername"> & Partial<Pick<Settings, "desks">>,
): string[] {
  return problems.map((p) => {
    const line = problemLine(ctx, p, s);
    if (!p.desk) return line;
    // a further desk's gap names the desk (the same fix, in that desk's chats)
    const desk = s.desks?.find((d) => d.id === p.desk);
    // a desk being added is named by the message that lists its gaps
    if (!desk) return line;
    const title = desk.title;
    return "• " + ctx.tr("s_desk_problem", { id: p.desk, title, problem: line.slice(2) });
  });
}

function problemLine(
  ctx: SCtx,
  p: Problem,
  s: Pick<Settings, "clientBotUsername" | "managerBotUsername">,
): string {
  const bot = p.bot ? ctx.tr(p.bot === "client" ? "s_bot_client" : "s_bot_manager", {}) : "";
  const username = p.bot === "client"
    ? s.clientBotUsername
    : p.bot === "manager"
    ? s.managerBotUsername
    : null;
  return "• " + ctx.tr(`s_p_${p.code}` as TextKey, {
    bot: username ? `${bot} @${username}` : bot,
  });
}

/** `/status`, the status button, and removing a webhook that blocks polling. */
export function status(deps: SettingsBotDeps): Composer<SCtx> {
  const c = new Composer<SCtx>();
  c.command("status", (ctx) => showStatus(deps, ctx));
  onButton(c, ["status", "setup"], (ctx) => showStatus(deps, ctx));
  onButton(c, ["unhook"], async (ctx, [k]) => {
    const kind = kindArg(k);
    const s = await getSettings(deps.kv);
    const token = kind === "client"
      ? s.clientBotToken
      : kind === "manager"
      ? s.managerBotToken
      : null;
    if (!kind || !token) {
      return void await ctx.answerCallbackQuery({ text: ctx.tr("s_stale_button") });
    }
    await apiFor(deps, token).deleteWebhook().catch(() => {});
    await deps.control.restart(kind);
    await showStatus(deps, ctx);
  });
  return c;
}
