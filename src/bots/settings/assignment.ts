/**
 * Assignment of new tickets: the rule (off, round-robin, least open tickets, by topic) and
 * the group of managers of each topic, typed as `@username` or ids and checked with zod.
 *
 * @module
 */
import { Composer, InlineKeyboard } from "grammy";
import { z } from "zod";
import { ASSIGN_MODES, type AssignMode } from "../../domain/settings.ts";
import type { Manager } from "../../domain/records.ts";
import { personName } from "../../services/post.ts";
import { listManagers } from "../../storage/people.ts";
import { getSettings, updateSettings } from "../../storage/settings.ts";
import { btn } from "../../services/callback_data.ts";
import type { SCtx } from "./context.ts";
import type { SettingsBotDeps } from "./deps.ts";
import { backRow, done, onButton, onInput, onTopicButton, say } from "./ui.ts";

const modeArg = z.enum(ASSIGN_MODES as [AssignMode, ...AssignMode[]]);
/** One member of a group as typed: `@username` or a Telegram id. */
const member = z.union([
  z.string().regex(/^@?[A-Za-z]\w{2,31}$/).transform((s) => ({ username: s.replace(/^@/, "") })),
  z.string().regex(/^\d{1,16}$/).transform((s) => ({ id: Number(s) })),
]);
/** A group as typed: members separated by spaces or commas, at most 50; `-` clears it. */
const groupText = z.string().trim().transform((s) => s === "-" ? [] : s.split(/[\s,;]+/))
  .pipe(z.array(member).max(50));

/** Resolves typed members to managers; the first one that is no manager is named. */
export function resolveGroup(
  text: string,
  managers: readonly Manager[],
): { ok: true; ids: number[] } | { ok: false; error: "format" } | {
  ok: false;
  error: "unknown";
  who: string;
} {
  const r = groupText.safeParse(text);
  if (!r.success) return { ok: false, error: "format" };
  const ids: number[] = [];
  for (const m of r.data) {
    const found = managers.find((x) =>
      x.active &&
      ("id" in m ? x.id === m.id : x.username?.toLowerCase() === m.username.toLowerCase())
    );
    if (!found) {
      return { ok: false, error: "unknown", who: "id" in m ? String(m.id) : `@${m.username}` };
    }
    if (!ids.includes(found.id)) ids.push(found.id);
  }
  return { ok: true, ids };
}

async function showAssignment(deps: SettingsBotDeps, ctx: SCtx): Promise<void> {
  const [s, managers] = await Promise.all([getSettings(deps.kv), listManagers(deps.kv)]);
  const name = (id: number) => {
    const m = managers.find((x) => x.id === id && x.active);
    return m ? personName(m) + (m.away ? ` (${ctx.tr("s_assign_away")})` : "") : null;
  };
  const lines = [
    ctx.tr("s_assign_title", { mode: ctx.tr(`s_assign_mode_${s.assignMode}`) }),
    ctx.tr(`s_assign_desc_${s.assignMode}`),
    "",
    ctx.tr("s_assign_groups_head"),
  ];
  if (!s.topics.length) lines.push(ctx.tr("s_assign_no_topics"));
  s.topics.forEach((topic, i) => {
    const names = (s.topicGroups[topic] ?? []).map(name).filter((x): x is string => x !== null);
    lines.push(
      `${i + 1}. ${topic}: ${names.length ? names.join(", ") : ctx.tr("s_assign_group_none")}`,
    );
  });
  const kb = new InlineKeyboard();
  ASSIGN_MODES.forEach((mode, i) => {
    kb.text(
      (mode === s.assignMode ? "• " : "") + ctx.tr(`s_assign_mode_${mode}`),
      btn("as_mode", mode),
    );
    if (i % 2 === 1) kb.row();
  });
  s.topics.forEach((topic, i) => {
    kb.text(ctx.tr("s_btn_assign_group", { n: i + 1, topic: topic.slice(0, 30) }), btn("as_grp", i))
      .row();
  });
  await say(ctx, lines.join("\n"), backRow(ctx, kb));
}

/** The assignment section. */
export function assignment(deps: SettingsBotDeps): Composer<SCtx> {
  const c = new Composer<SCtx>();
  onButton(c, ["assign"], (ctx) => showAssignment(deps, ctx));
  onButton(c, ["as_mode"], async (ctx, [a]) => {
    const mode = modeArg.safeParse(a);
    if (!mode.success) {
      return void await ctx.answerCallbackQuery({ text: ctx.tr("s_stale_button") });
    }
    await updateSettings(deps.kv, ctx.adminId, deps.clock.now(), () => ({ assignMode: mode.data }));
    await showAssignment(deps, ctx);
  });
  onTopicButton(
    c,
    "as_grp",
    deps.kv,
    "assign_group",
    (ctx, topic) => ctx.tr("s_ask_assign_group", { topic }),
  );
  onInput(c, "assign_group", async (ctx, m, w) => {
    const topic = String(w.arg);
    const s = await getSettings(deps.kv);
    if (!s.topics.includes(topic)) {
      await done(ctx, deps.kv);
      return void await ctx.reply(ctx.tr("s_stale_button"));
    }
    const r = resolveGroup(m.text ?? "", await listManagers(deps.kv));
    if (!r.ok) {
      return void await ctx.reply(
        r.error === "format"
          ? ctx.tr("s_err_group_format")
          : ctx.tr("s_err_group_unknown", { who: r.who }),
      );
    }
    await updateSettings(deps.kv, ctx.adminId, deps.clock.now(), (cur) => {
      const groups = { ...cur.topicGroups };
      if (r.ids.length) groups[topic] = r.ids;
      else delete groups[topic];
      return { topicGroups: groups };
    });
    await done(ctx, deps.kv);
    await ctx.reply(ctx.tr("s_saved"));
    await showAssignment(deps, ctx);
  });
  return c;
}
