/**
 * The "Desks" screen: further channel + discussion group pairs, the topics routed to each,
 * adding one (the channel chosen as the main one is: an offered channel, a forwarded post, an
 * @username or an id) and removing one (its tickets move to the main desk).
 *
 * @module
 */
import { Composer, InlineKeyboard } from "grammy";
import { channelRefOf, lookUpChannel } from "../../services/setup/channel.ts";
import { addDesk, removeDesk, routeTopic } from "../../services/setup/desks.ts";
import { getSettings } from "../../storage/settings.ts";
import { topicMark, topicOfButton } from "../../domain/settings.ts";
import { listOffers } from "../../storage/setup.ts";
import { btn, indexArg, intArg } from "../../services/callback_data.ts";
import type { SCtx } from "./context.ts";
import type { SettingsBotDeps } from "./deps.ts";
import { problemLines } from "./status.ts";
import { ask, backRow, done, onButton, onInput, say } from "./ui.ts";

async function showDesks(deps: SettingsBotDeps, ctx: SCtx): Promise<void> {
  const s = await getSettings(deps.kv);
  const routed = new Set(s.desks.flatMap((d) => d.topics));
  const mainTopics = s.topics.filter((x) => !routed.has(x));
  // the main channel by its title as Telegram has it now; its id when the lookup fails
  const main = s.channelId === null
    ? null
    : await lookUpChannel(deps, s.managerBotToken, s.channelId);
  const lines = [
    ctx.tr("s_desks_title"),
    "",
    ctx.tr("s_desk_main", {
      channel: s.channelId === null
        ? "—"
        : main?.ok && main.info.title
        ? `“${main.info.title}”`
        : String(s.channelId),
      topics: mainTopics.length ? mainTopics.join(", ") : "—",
    }),
  ];
  const kb = new InlineKeyboard();
  for (const d of s.desks) {
    lines.push(ctx.tr("s_desk_line", {
      id: d.id,
      title: d.title,
      topics: d.topics.length ? d.topics.join(", ") : "—",
    }));
    kb.text(ctx.tr("s_btn_desk_topics", { id: d.id }), btn("dk_top", d.id))
      .text(ctx.tr("s_btn_desk_remove", { id: d.id }), btn("dk_rm", d.id)).row();
  }
  if (!s.desks.length) lines.push(ctx.tr("s_desks_none"));
  kb.text(ctx.tr("s_btn_desk_add"), btn("dk_add"));
  await say(ctx, lines.join("\n"), backRow(ctx, kb));
}

/** The topics of desk `id` as buttons that route a topic to it or back to the main desk. */
async function showRouting(deps: SettingsBotDeps, ctx: SCtx, id: number): Promise<void> {
  const s = await getSettings(deps.kv);
  const d = s.desks.find((x) => x.id === id);
  if (!d) return void await say(ctx, ctx.tr("s_desk_gone"));
  if (!s.topics.length) return void await say(ctx, ctx.tr("s_desk_no_topics"));
  const kb = new InlineKeyboard();
  s.topics.forEach((topic, i) => {
    const here = d.topics.includes(topic);
    const elsewhere = s.desks.find((x) => x.id !== id && x.topics.includes(topic));
    const mark = here ? "✅" : elsewhere ? `→${elsewhere.id}` : "·";
    kb.text(`${mark} ${topic}`, btn("dk_tp", id, i, topicMark(topic))).row();
  });
  kb.text(ctx.tr("s_btn_desks"), btn("desks"));
  await say(ctx, ctx.tr("s_desk_routing", { id, title: d.title }), kb);
}

/** The desks section of the settings bot. */
export function desks(deps: SettingsBotDeps): Composer<SCtx> {
  const c = new Composer<SCtx>();
  const stale = (ctx: SCtx) => ctx.answerCallbackQuery({ text: ctx.tr("s_stale_button") });

  onButton(c, ["desks"], async (ctx) => {
    await done(ctx, deps.kv);
    await showDesks(deps, ctx);
  });

  onButton(c, ["dk_add"], async (ctx) => {
    const offers = await listOffers(deps.kv);
    await ask(ctx, deps.kv, { kind: "desk_channel" }, ctx.tr("s_ask_desk_channel"));
    if (offers.length) {
      const kb = new InlineKeyboard();
      for (const o of offers) kb.text(o.title || String(o.chatId), btn("dk_ch", o.chatId)).row();
      await ctx.reply(ctx.tr("s_channel_offers"), { reply_markup: kb });
    }
  });

  const add = async (ctx: SCtx, ref: Parameters<typeof addDesk>[2]) => {
    const r = await addDesk(deps, ctx.adminId, ref);
    if (!r.ok && r.reason === "doctor_failed") {
      const s = await getSettings(deps.kv);
      const lines = [ctx.tr("s_desk_doctor_failed", { title: r.title })];
      return void await say(ctx, [...lines, ...problemLines(ctx, r.problems, s)].join("\n"));
    }
    if (!r.ok) return void await say(ctx, ctx.tr(`s_desk_${r.reason}`));
    await done(ctx, deps.kv);
    await say(ctx, ctx.tr("s_desk_added", { id: r.desk.id, title: r.desk.title }));
    await showRouting(deps, ctx, r.desk.id);
  };

  onButton(c, ["dk_ch"], async (ctx, [a]) => {
    const chatId = intArg(a);
    if (chatId === null || chatId >= 0) return void await stale(ctx);
    await add(ctx, chatId);
  });

  onInput(c, "desk_channel", async (ctx, m) => {
    const ref = channelRefOf(m);
    if (ref === null) return void await ctx.reply(ctx.tr("s_channel_bad_input"));
    await add(ctx, ref);
  });

  onButton(c, ["dk_top"], async (ctx, [a]) => {
    const id = intArg(a);
    if (id === null || id <= 0) return void await stale(ctx);
    await showRouting(deps, ctx, id);
  });

  onButton(c, ["dk_tp"], async (ctx, [a, b, m]) => {
    const id = intArg(a), i = indexArg(b);
    const s = await getSettings(deps.kv);
    const d = s.desks.find((x) => x.id === id);
    // the topic the button was drawn for, wherever it is in the list now
    const topic = i === null ? undefined : topicOfButton(s.topics, i, m);
    if (!d || topic === undefined) return void await stale(ctx);
    // pressed on a routed topic: back to the main desk; else to this desk
    const to = d.topics.includes(topic) ? 0 : d.id;
    if (!(await routeTopic(deps, ctx.adminId, to, topic))) return void await stale(ctx);
    await showRouting(deps, ctx, d.id);
  });

  onButton(c, ["dk_rm"], async (ctx, [a]) => {
    const id = intArg(a);
    const d = (await getSettings(deps.kv)).desks.find((x) => x.id === id);
    if (!d) return void await stale(ctx);
    await say(
      ctx,
      ctx.tr("s_desk_remove_confirm", { id: d.id, title: d.title }),
      new InlineKeyboard()
        .text(ctx.tr("s_btn_desk_remove_yes"), btn("dk_rm_ok", d.id))
        .text(ctx.tr("s_btn_cancel"), btn("desks")),
    );
  });

  onButton(c, ["dk_rm_ok"], async (ctx, [a]) => {
    const id = intArg(a);
    if (id === null || id <= 0) return void await stale(ctx);
    const moved = await removeDesk(deps, ctx.adminId, id);
    if (moved === null) return void await stale(ctx);
    await say(ctx, ctx.tr("s_desk_removed", { id, moved }));
    await showDesks(deps, ctx);
  });
  return c;
}
