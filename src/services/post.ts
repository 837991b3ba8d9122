/**
 * The ticket's post in the managers' channel: its text and buttons, always rendered from the
 * current records so that re-rendering is idempotent.
 *
 * @module
 */
import type { InlineKeyboardMarkup } from "grammy/types";
import type { Client, Manager } from "../domain/records.ts";
import type { Settings } from "../domain/settings.ts";
import { priorityOf, type Ticket, waitState } from "../domain/ticket.ts";
import { type Lang, locales, t } from "../i18n/mod.ts";
import { postButton } from "./callback_data.ts";
import { hashtags } from "./links.ts";
import { cleanTyped, isolateTyped } from "../domain/names.ts";

/** Formats an instant in the team's time zone, e.g. `2026-01-05 12:00`. */
export function formatTime(at: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")} ${get("hour")}:${get("minute")}`;
}

/**
 * Display name of a person, as typed but without bidi tricks or invisible characters, at
 * most 64 characters; "?" when nothing visible is left. The post isolates it besides.
 */
export function personName(p: { firstName?: string; lastName?: string; name?: string }): string {
  const clean = cleanTyped(p.name ?? [p.firstName, p.lastName].filter(Boolean).join(" "));
  if (!clean) return "?";
  const chars = [...clean];
  return chars.length > 64 ? `${chars.slice(0, 63).join("")}…` : clean;
}

export { hashtags };

/** Everything the post shows. */
export interface PostView {
  ticket: Ticket;
  client: Client | null;
  manager: Manager | null;
  settings: Settings;
  /** Overdue marks (from SLA checks), already localized. */
  overdue?: string[];
}

/** Text and keyboard of a ticket's post. */
export function renderPost(v: PostView): { text: string; markup: InlineKeyboardMarkup } {
  const lang: Lang = v.settings.teamLang;
  const tk = v.ticket;
  const c = v.client;
  const lines = [
    t(lang, "post_title", { number: tk.number }),
    t(lang, "post_status", { status: t(lang, `status_${tk.status}`) }),
    ...(tk.status === "closed" ? [] : [
      tk.hold
        ? t(lang, "post_wait_hold", { reason: isolateTyped(tk.hold.reason, 200) })
        : t(lang, waitState(tk) === "customer" ? "post_wait_customer" : "post_wait_team"),
    ]),
    ...(priorityOf(tk) === "normal" ? [] : [
      t(lang, "post_priority", {
        priority: `${t(lang, `prio_mark_${priorityOf(tk)}`)} ${t(lang, `prio_${priorityOf(tk)}`)}`,
      }),
    ]),
    ...(tk.tags?.length ? [t(lang, "post_tags", { tags: hashtags(tk.tags) })] : []),
    t(lang, "post_topic", { topic: isolateTyped(tk.topic, 100) }),
    t(lang, "post_client", {
      name: c ? isolateTyped(personName(c)) : "?",
      username: c?.username ? `@${c.username}` : "",
      id: tk.clientId,
      lang: c?.lang ?? "?",
    }).replace(/ {2,}/g, " "),
    t(lang, "post_manager", {
      manager: v.manager ? personName(v.manager) : t(lang, "post_unassigned"),
    }),
  ];
  if (tk.ratings.length) {
    lines.push(
      t(lang, "post_rating", { rating: tk.ratings.map((r) => "★".repeat(r.score)).join(" · ") }),
    );
  }
  lines.push(t(lang, "post_created", { time: formatTime(tk.createdAt, v.settings.timeZone) }));
  if (c?.unreachable) lines.push(t(lang, "post_unreachable"));
  if (c?.blocked) lines.push(t(lang, "post_blocked"));
  for (const o of v.overdue ?? []) lines.push(t(lang, "post_overdue", { what: o }));
  const buttons = tk.status === "closed"
    ? [{ text: t(lang, "btn_post_reopen"), callback_data: postButton("reopen", tk.number) }]
    : [
      ...(tk.managerId === null
        ? [{ text: t(lang, "btn_take"), callback_data: postButton("take", tk.number) }]
        : []),
      { text: t(lang, "btn_post_close"), callback_data: postButton("close", tk.number) },
    ];
  return { text: lines.join("\n"), markup: { inline_keyboard: [buttons] } };
}

/**
 * The ticket a post names in its first line (its title, in any language), or undefined. Lets
 * the automatic forward of a post whose send answer was lost be matched to its ticket.
 */
export function postTicketNumber(text: string | undefined): number | undefined {
  const first = text?.split("\n", 1)[0];
  if (!first) return undefined;
  for (const lang of Object.keys(locales) as Lang[]) {
    const [before, after] = t(lang, "post_title", { number: "\u0000" }).split("\u0000");
    if (before === undefined || after === undefined || !first.startsWith(before)) continue;
    const rest = first.slice(before.length);
    const digits = rest.match(/^\d+/)?.[0];
    if (digits && rest.slice(digits.length) === after) return Number(digits);
  }
  return undefined;
}

/** Text of a duplicate post of a ticket: where the ticket lives; comments here reach it too. */
export function renderDuplicatePost(
  v: { ticket: Ticket; settings: Settings; link: string | null },
): string {
  const lang: Lang = v.settings.teamLang;
  return [
    t(lang, "post_title", { number: v.ticket.number }),
    t(lang, "post_duplicate", { link: v.link ?? "" }).trimEnd(),
  ].join("\n");
}
