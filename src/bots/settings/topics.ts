/**
 * The topics clients choose from: add, rename, move up, remove, and name per language (a
 * client whose Telegram is in English sees the English name; tickets keep the topic's own).
 *
 * @module
 */
import { Composer, InlineKeyboard } from "grammy";
import { z } from "zod";
import { getSettings, updateSettings } from "../../storage/settings.ts";
import { type Settings, topicMark, topicOfButton } from "../../domain/settings.ts";
import { btn, indexArg } from "../../services/callback_data.ts";
import type { SCtx } from "./context.ts";
import type { SettingsBotDeps } from "./deps.ts";
import { ask, backRow, done, onButton, onInput, onTopicButton, say } from "./ui.ts";

/** Most topics offered (the client bot's buttons index them 0…99). */
const MAX_TOPICS = 30;
const MAX_TOPIC_CHARS = 60;
/** Longest ready answers of a topic (one message with the buttons under it). */
const MAX_FAQ_CHARS = 1500;
/** Ready answers as typed: text of 1…MAX_FAQ_CHARS characters, or `-` to remove them. */
const faqText = z.string().trim().min(1).max(MAX_FAQ_CHARS);

/** Languages a topic's ready answers have a version in. */
function langsOf(local: Partial<Record<string, string>> | undefined): string[] {
  return Object.entries(local ?? {}).filter(([, v]) => v).map(([l]) => l);
}

/**
 * Topics whose buttons fit the list itself, a row of up to five each: Telegram takes at most
 * 100 buttons in one keyboard ("reply markup is too long"). A longer list has a button per
 * topic, which opens the topic with its own.
 */
const ROWS_MAX = 19;

/** A topic's line: its place, name, names in other languages, ready answers. */
function topicLine(ctx: SCtx, s: Settings, topic: string, i: number): string {
  const names = Object.entries(s.topicNames[topic] ?? {}).filter(([, v]) => v)
    .map(([l, v]) => `${l}: ${v}`);
  const langs = langsOf(s.faqLocal[topic]);
  const faq = s.faq[topic] || langs.length
    ? ` · ${ctx.tr("s_topic_has_faq")}${langs.length ? ` (${langs.join(", ")})` : ""}`
    : "";
  return `${i + 1}. ${topic}${names.length ? ` (${names.join(", ")})` : ""}${faq}`;
}

/** A topic's buttons, as one row of `kb`. */
function topicButtons(kb: InlineKeyboard, topic: string, i: number): InlineKeyboard {
  // the place and the name's mark: a button drawn before the list changed acts on its topic
  const mark = topicMark(topic);
  kb.text(`${i + 1}. ✏️`, btn("top_ren", i, mark)).text("🌐", btn("top_lang", i, mark))
    .text("❓", btn("top_faq", i, mark));
  if (i > 0) kb.text("⬆️", btn("top_up", i, mark));
  return kb.text("🗑", btn("top_rm", i, mark)).row();
}

async function showTopics(deps: SettingsBotDeps, ctx: SCtx): Promise<void> {
  const s = await getSettings(deps.kv);
  const lines = [ctx.tr("s_topics_title")];
  if (!s.topics.length) lines.push(ctx.tr("s_topics_none"));
  const kb = new InlineKeyboard();
  const many = s.topics.length > ROWS_MAX;
  s.topics.forEach((topic, i) => {
    lines.push(topicLine(ctx, s, topic, i));
    if (!many) topicButtons(kb, topic, i);
    else kb.text(`${i + 1}. ${topic}`, btn("top_open", i, topicMark(topic))).row();
  });
  if (many) lines.push("", ctx.tr("s_topics_many"));
  kb.text(ctx.tr("s_btn_add_topic"), btn("top_add"));
  await say(ctx, lines.join("\n"), backRow(ctx, kb));
}

/** One topic of a long list, with its buttons. */
async function showTopic(ctx: SCtx, s: Settings, topic: string, i: number): Promise<void> {
  const kb = topicButtons(new InlineKeyboard(), topic, i).text(
    ctx.tr("s_btn_topics"),
    btn("topics"),
  );
  await say(ctx, ctx.tr("s_topic_one", { line: topicLine(ctx, s, topic, i) }), backRow(ctx, kb));
}

/** The topics section. */
export function topics(deps: SettingsBotDeps): Composer<SCtx> {
  const c = new Composer<SCtx>();
  /** Changes the list; the names per language follow their topic's rename and removal. */
  const change = (ctx: SCtx, f: (topics: string[]) => string[], renamed?: [string, string]) =>
    updateSettings(deps.kv, ctx.adminId, deps.clock.now(), (s) => {
      const topics = f([...s.topics]);
      const names = { ...s.topicNames };
      if (renamed && names[renamed[0]]) {
        names[renamed[1]] = names[renamed[0]]!;
        delete names[renamed[0]];
      }
      for (const k of Object.keys(names)) if (!topics.includes(k)) delete names[k];
      // the ready answers follow their topic too
      const faq = { ...s.faq };
      if (renamed && faq[renamed[0]]) {
        faq[renamed[1]] = faq[renamed[0]]!;
        delete faq[renamed[0]];
      }
      for (const k of Object.keys(faq)) if (!topics.includes(k)) delete faq[k];
      const local = { ...s.faqLocal };
      if (renamed && local[renamed[0]]) {
        local[renamed[1]] = local[renamed[0]]!;
        delete local[renamed[0]];
      }
      for (const k of Object.keys(local)) if (!topics.includes(k)) delete local[k];
      return { topics, topicNames: names, faq, faqLocal: local };
    });

  onButton(c, ["topics"], (ctx) => showTopics(deps, ctx));
  onButton(c, ["top_open"], async (ctx, [a, b]) => {
    const i = indexArg(a);
    const s = await getSettings(deps.kv);
    const topic = i === null ? undefined : topicOfButton(s.topics, i, b);
    if (topic === undefined || i === null) {
      return void await ctx.answerCallbackQuery({ text: ctx.tr("s_stale_button") });
    }
    await showTopic(ctx, s, topic, i);
  });
  onButton(
    c,
    ["top_add"],
    (ctx) => ask(ctx, deps.kv, { kind: "topic", arg: -1 }, ctx.tr("s_ask_topic")),
  );
  onButton(c, ["top_ren"], async (ctx, [a, b]) => {
    const i = indexArg(a);
    const s = await getSettings(deps.kv);
    const topic = i === null ? undefined : topicOfButton(s.topics, i, b);
    if (topic === undefined) {
      return void await ctx.answerCallbackQuery({ text: ctx.tr("s_stale_button") });
    }
    // the topic by name: the list may change before the new name is typed
    await ask(ctx, deps.kv, { kind: "topic", arg: topic }, ctx.tr("s_ask_topic_rename", { topic }));
  });
  onTopicButton(
    c,
    "top_lang",
    deps.kv,
    "topic_lang",
    (ctx, topic) => ctx.tr("s_ask_topic_lang", { topic }),
  );
  onTopicButton(c, "top_faq", deps.kv, "topic_faq", (ctx, topic, s) =>
    ctx.tr("s_ask_topic_faq", {
      topic,
      max: MAX_FAQ_CHARS,
      now: [
        s.faq[topic] ?? "—",
        ...Object.entries(s.faqLocal[topic] ?? {}).filter(([, v]) => v).map(([l, v]) =>
          `${l}: ${v}`
        ),
      ].join("\n\n"),
    }));
  onInput(c, "topic_faq", async (ctx, m, w) => {
    const topic = String(w.arg);
    // "en: text" is the version for customers whose Telegram speaks English ("en: -" removes it)
    const tagged = (m.text ?? "").match(/^\s*(ru|en)\s*:\s*([\s\S]*)$/i);
    const lang = tagged ? tagged[1]!.toLowerCase() as "ru" | "en" : null;
    const text = tagged ? tagged[2]! : m.text ?? "";
    const clear = text.trim() === "-";
    const r = faqText.safeParse(text);
    if (!clear && !r.success) {
      return void await ctx.reply(ctx.tr("s_topic_faq_bad", { max: MAX_FAQ_CHARS }));
    }
    if (!(await getSettings(deps.kv)).topics.includes(topic)) {
      await done(ctx, deps.kv);
      return void await ctx.reply(ctx.tr("s_stale_button"));
    }
    await updateSettings(deps.kv, ctx.adminId, deps.clock.now(), (cur) => {
      if (lang) {
        const local = { ...cur.faqLocal };
        const mine = { ...local[topic] };
        if (clear || !r.success) delete mine[lang];
        else mine[lang] = r.data;
        if (langsOf(mine).length) local[topic] = mine;
        else delete local[topic];
        return { faqLocal: local };
      }
      const faq = { ...cur.faq };
      if (clear || !r.success) delete faq[topic];
      else faq[topic] = r.data;
      return { faq };
    });
    await done(ctx, deps.kv);
    await ctx.reply(ctx.tr("s_saved"));
    await showTopics(deps, ctx);
  });
  onInput(c, "topic_lang", async (ctx, m, w) => {
    const topic = String(w.arg);
    const given = parseNames(m.text ?? "");
    if (!given) return void await ctx.reply(ctx.tr("s_topic_lang_bad", { max: MAX_TOPIC_CHARS }));
    const s = await getSettings(deps.kv);
    if (!s.topics.includes(topic)) {
      await done(ctx, deps.kv);
      return void await ctx.reply(ctx.tr("s_stale_button"));
    }
    await updateSettings(deps.kv, ctx.adminId, deps.clock.now(), (cur) => {
      const names = { ...cur.topicNames, [topic]: { ...cur.topicNames[topic], ...given } };
      for (const [l, v] of Object.entries(given)) if (!v) delete names[topic]![l as "ru" | "en"];
      return { topicNames: names };
    });
    await done(ctx, deps.kv);
    await showTopics(deps, ctx);
  });
  onButton(c, ["top_up", "top_rm"], async (ctx, [a, b]) => {
    const i = indexArg(a);
    const s = await getSettings(deps.kv);
    const name = i === null ? undefined : topicOfButton(s.topics, i, b);
    if (name === undefined) {
      return void await ctx.answerCallbackQuery({ text: ctx.tr("s_stale_button") });
    }
    await change(ctx, (list) => {
      // act on the topic by name: the list may have changed since the button was drawn
      const at = list.indexOf(name);
      if (at < 0) return list;
      if (ctx.button?.action === "top_rm") list.splice(at, 1);
      else if (at > 0) [list[at - 1], list[at]] = [list[at]!, list[at - 1]!];
      return list;
    });
    await showTopics(deps, ctx);
  });
  onInput(c, "topic", async (ctx, m, w) => {
    const name = (m.text ?? "").trim().replace(/\s+/g, " ");
    if (!name || name.length > MAX_TOPIC_CHARS) {
      return void await ctx.reply(ctx.tr("s_topic_bad", { max: MAX_TOPIC_CHARS }));
    }
    const s = await getSettings(deps.kv);
    // a rename names its topic (an index from before: its place; -1: a new topic)
    const old = typeof w.arg === "string"
      ? w.arg
      : typeof w.arg === "number" && w.arg >= 0
      ? s.topics[w.arg]
      : undefined;
    const renaming = w.arg !== undefined && w.arg !== -1;
    if (renaming && (old === undefined || !s.topics.includes(old))) {
      // renamed or removed meanwhile (in another chat, by another admin)
      await done(ctx, deps.kv);
      return void await ctx.reply(ctx.tr("s_stale_button"));
    }
    if (s.topics.some((x) => x.toLowerCase() === name.toLowerCase() && x !== old)) {
      return void await ctx.reply(ctx.tr("s_topic_exists"));
    }
    if (old === undefined && s.topics.length >= MAX_TOPICS) {
      return void await ctx.reply(ctx.tr("s_topic_too_many", { max: MAX_TOPICS }));
    }
    await change(ctx, (list) => {
      const at = old === undefined ? -1 : list.indexOf(old);
      if (at >= 0) list[at] = name;
      else if (old === undefined) list.push(name);
      return list;
    }, old === undefined ? undefined : [old, name]);
    await done(ctx, deps.kv);
    await showTopics(deps, ctx);
  });
  return c;
}

/**
 * Reads `ru: Оплата` / `en: Payment` lines (`-` clears a language); null when a line is not
 * of that form or a name is too long.
 */
function parseNames(text: string): { ru?: string; en?: string } | null {
  const out: { ru?: string; en?: string } = {};
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  if (!lines.length) return null;
  for (const line of lines) {
    const m = /^(ru|en)\s*[:=—-]\s*(.+)$/i.exec(line);
    if (!m) return null;
    const name = m[2]!.trim().replace(/\s+/g, " ");
    if (name.length > MAX_TOPIC_CHARS) return null;
    out[m[1]!.toLowerCase() as "ru" | "en"] = name === "-" ? "" : name;
  }
  return out;
}
