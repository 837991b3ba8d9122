/**
 * Callback data of every inline button, built and parsed in one place: the channel post's
 * (`p:`, answered by the manager bot), the client bot's (`c:`), the managers' desk (`m:`) and
 * the settings bot's (`s:`). Compact (≤ 64 bytes, Telegram's limit) and validated with zod:
 * anything forged or stale parses to null and the presser is told it is unavailable. Whether
 * the presser may touch the ticket or client named in valid data is checked separately (see
 * `desk/access.ts`).
 *
 * @module
 */
import { z } from "zod";
import { type Priority, TAG_PATTERN } from "../domain/ticket.ts";

/** A ticket number or a Telegram id: digits only, positive, a safe integer. */
const id = z.string().regex(/^[1-9]\d{0,15}$/).transform(Number).pipe(
  z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
);

/** The `:`-separated parts of callback data, or null when it is over Telegram's 64 bytes. */
function partsOf(data: string): string[] | null {
  return new TextEncoder().encode(data).length > 64 ? null : data.split(":");
}

/** Actions of the buttons on a ticket's channel post (answered by the manager bot). */
export type PostAction = "take" | "close" | "reopen";

/** `p:<action>:<ticket>` */
export function postButton(action: PostAction, ticket: number): string {
  return `p:${action}:${ticket}`;
}

const postSchema = z.tuple([z.literal("p"), z.enum(["take", "close", "reopen"]), id]);

/** Parses a post button's data. */
export function parsePostButton(data: string): { action: PostAction; ticket: number } | null {
  const r = postSchema.safeParse(partsOf(data));
  return r.success ? { action: r.data[1], ticket: r.data[2] } : null;
}

/** Actions of the client bot's buttons. */
export type ClientAction =
  /** `mark`: the topic's `topicMark` (domain/settings.ts); absent on buttons drawn before. */
  | { type: "topic"; index: number; mark?: string }
  | { type: "current"; ticket: number }
  | { type: "close"; ticket: number }
  | { type: "reopen"; ticket: number }
  /** `cycle`: the work period rated; absent on buttons drawn before (the last closed). */
  | { type: "rate"; ticket: number; score: number; cycle?: number }
  | { type: "held_reopen"; ticket: number }
  | { type: "held_new" }
  | { type: "faq_ok" }
  | { type: "faq_more" };

/** Builds a client button's data. */
export function clientButton(a: ClientAction): string {
  switch (a.type) {
    case "topic":
      return a.mark === undefined ? `c:topic:${a.index}` : `c:topic:${a.index}:${a.mark}`;
    case "rate":
      return `c:rate:${a.ticket}:${a.score}${a.cycle === undefined ? "" : `:${a.cycle}`}`;
    case "held_new":
    case "faq_ok":
    case "faq_more":
      return `c:${a.type}`;
    default:
      return `c:${a.type}:${a.ticket}`;
  }
}

const clientSchema = z.union([
  z.tuple([z.literal("c"), z.literal("topic"), z.coerce.number().int().min(0).max(99)])
    .transform(([, , index]) => ({ type: "topic" as const, index })),
  z.tuple([
    z.literal("c"),
    z.literal("topic"),
    z.coerce.number().int().min(0).max(99),
    z.string().regex(/^[0-9a-z]{1,7}$/),
  ]).transform(([, , index, mark]) => ({ type: "topic" as const, index, mark })),
  z.tuple([z.literal("c"), z.enum(["current", "close", "reopen", "held_reopen"]), id])
    .transform(([, type, ticket]) => ({ type, ticket })),
  z.tuple([z.literal("c"), z.literal("rate"), id, z.coerce.number().int().min(1).max(5)])
    .transform(([, , ticket, score]) => ({ type: "rate" as const, ticket, score })),
  z.tuple([
    z.literal("c"),
    z.literal("rate"),
    id,
    z.coerce.number().int().min(1).max(5),
    z.string().regex(/^\d{1,4}$/).transform(Number),
  ]).transform(([, , ticket, score, cycle]) => ({ type: "rate" as const, ticket, score, cycle })),
  z.tuple([z.literal("c"), z.enum(["held_new", "faq_ok", "faq_more"])])
    .transform(([, type]) => ({ type })),
]);

/** Parses a client button's data. */
export function parseClientButton(data: string): ClientAction | null {
  const r = clientSchema.safeParse(partsOf(data));
  return r.success ? r.data : null;
}

// The managers' desk (manager bot), `m:…`

/**
 * Ticket lists: all open, mine, unassigned, waiting longer than the reaction target, waiting
 * for the team, waiting for the customer, on hold.
 */
export type DeskView = "all" | "mine" | "un" | "late" | "team" | "cust" | "hold";
/** Actions on a ticket offered by its card. */
export type TicketAct = "take" | "close" | "reopen" | "tr" | "unhold" | "merge";
/** Actions on a client offered by their card. */
export type ClientAct = "card" | "tickets" | "block" | "unblock";
/** Kinds of notifications a manager can switch off (stored in `Manager.mute`). */
export type NotifyKind =
  | "new_ticket"
  | "client_wrote"
  | "reopened"
  | "transferred"
  | "sla"
  | "low_rating";

/** Every kind of notification, in menu order. */
export const NOTIFY_KINDS: readonly NotifyKind[] = [
  "new_ticket",
  "client_wrote",
  "reopened",
  "transferred",
  "sla",
  "low_rating",
];

/** What a desk button asks for. */
export type DeskButton =
  | { type: "list"; view: DeskView; page: number; tag?: string }
  | { type: "card"; ticket: number }
  | { type: "act"; act: TicketAct; ticket: number }
  | { type: "history"; ticket: number }
  | { type: "pick"; ticket: number }
  | { type: "transfer"; ticket: number; to: number }
  | { type: "clients"; page: number }
  | { type: "client"; act: ClientAct; client: number }
  | { type: "canned"; ticket: number; name: string }
  | { type: "mute"; kind: NotifyKind }
  | { type: "away"; away: boolean }
  | { type: "prio"; ticket: number; priority: Priority }
  | { type: "merge"; ticket: number; into: number };

/** Canned answer names: short enough for callback data (64 bytes). */
export const CANNED_NAME = /^[a-z0-9_-]{1,24}$/;

const deskPage = z.string().regex(/^\d{1,5}$/).transform(Number);
const views = z.enum(["all", "mine", "un", "late", "team", "cust", "hold"]);

const deskSchema = z.union([
  z.tuple([z.literal("m"), z.literal("l"), views, deskPage])
    .transform(([, , view, p]) => ({ type: "list" as const, view, page: p })),
  // a list filtered by a tag keeps it on its page and filter buttons
  z.tuple([z.literal("m"), z.literal("l"), views, deskPage, z.string().regex(TAG_PATTERN)])
    .transform(([, , view, p, tag]) => ({ type: "list" as const, view, page: p, tag })),
  z.tuple([z.literal("m"), z.literal("t"), id])
    .transform(([, , ticket]) => ({ type: "card" as const, ticket })),
  z.tuple([
    z.literal("m"),
    z.literal("a"),
    z.enum(["take", "close", "reopen", "tr", "unhold", "merge"]),
    id,
  ]).transform(([, , act, ticket]) => ({ type: "act" as const, act, ticket })),
  z.tuple([z.literal("m"), z.literal("h"), id])
    .transform(([, , ticket]) => ({ type: "history" as const, ticket })),
  z.tuple([z.literal("m"), z.literal("p"), id])
    .transform(([, , ticket]) => ({ type: "pick" as const, ticket })),
  z.tuple([z.literal("m"), z.literal("x"), id, id])
    .transform(([, , ticket, to]) => ({ type: "transfer" as const, ticket, to })),
  z.tuple([z.literal("m"), z.literal("c"), deskPage])
    .transform(([, , p]) => ({ type: "clients" as const, page: p })),
  z.tuple([z.literal("m"), z.literal("u"), z.enum(["card", "tickets", "block", "unblock"]), id])
    .transform(([, , act, client]) => ({ type: "client" as const, act, client })),
  z.tuple([z.literal("m"), z.literal("k"), id, z.string().regex(CANNED_NAME)])
    .transform(([, , ticket, name]) => ({ type: "canned" as const, ticket, name })),
  z.tuple([z.literal("m"), z.literal("s"), z.enum(NOTIFY_KINDS as [NotifyKind, ...NotifyKind[]])])
    .transform(([, , kind]) => ({ type: "mute" as const, kind })),
  z.tuple([z.literal("m"), z.literal("w"), z.enum(["0", "1"])])
    .transform(([, , v]) => ({ type: "away" as const, away: v === "1" })),
  z.tuple([z.literal("m"), z.literal("r"), id, z.enum(["normal", "high", "urgent"])])
    .transform(([, , ticket, priority]) => ({ type: "prio" as const, ticket, priority })),
  z.tuple([z.literal("m"), z.literal("g"), id, id])
    .transform(([, , ticket, into]) => ({ type: "merge" as const, ticket, into })),
]);

/** Builds a desk button's data (always under Telegram's 64 bytes). */
export function deskButton(b: DeskButton): string {
  switch (b.type) {
    case "list":
      return `m:l:${b.view}:${b.page}${b.tag ? `:${b.tag}` : ""}`;
    case "card":
      return `m:t:${b.ticket}`;
    case "act":
      return `m:a:${b.act}:${b.ticket}`;
    case "history":
      return `m:h:${b.ticket}`;
    case "pick":
      return `m:p:${b.ticket}`;
    case "transfer":
      return `m:x:${b.ticket}:${b.to}`;
    case "clients":
      return `m:c:${b.page}`;
    case "client":
      return `m:u:${b.act}:${b.client}`;
    case "canned":
      return `m:k:${b.ticket}:${b.name}`;
    case "mute":
      return `m:s:${b.kind}`;
    case "away":
      return `m:w:${b.away ? 1 : 0}`;
    case "prio":
      return `m:r:${b.ticket}:${b.priority}`;
    case "merge":
      return `m:g:${b.ticket}:${b.into}`;
  }
}

/** Whether callback data belongs to the desk (so a forged one is refused, not ignored). */
export function isDeskData(data: string): boolean {
  return data.startsWith("m:");
}

/** Parses a desk button's data; null when it is not valid. */
export function parseDeskButton(data: string): DeskButton | null {
  const r = deskSchema.safeParse(partsOf(data));
  return r.success ? r.data : null;
}

// The settings bot, `s:<action>[:<arg>…]`

/** Every action of the settings bot's buttons. */
export const ACTIONS = [
  "menu",
  "cancel",
  "setup",
  "token",
  "mig_ok",
  "channel",
  "ch",
  "ch_yes",
  "status",
  "unhook",
  "open",
  "close",
  "bots",
  "stop",
  "stop_yes",
  "restart",
  "managers",
  "invite",
  "mgr_add",
  "mgr_rm",
  "mgr_rm_ok",
  "admins",
  "adm_add",
  "adm_rm",
  "hours",
  "set",
  "hol_clear",
  "topics",
  "top_add",
  "top_up",
  "top_rm",
  "top_ren",
  "top_lang",
  "texts",
  "text",
  "text_reset",
  "tickets",
  "tk_find",
  "tk_tr",
  "tk_to",
  "clients",
  "cl_find",
  "cl_exp",
  "cl_del",
  "cl_del_ok",
  "reports",
  "rep",
  "rep_sched",
  "assign",
  "as_mode",
  "as_grp",
  "top_faq",
  "top_open",
  "desks",
  "dk_add",
  "dk_ch",
  "dk_top",
  "dk_tp",
  "dk_rm",
  "dk_rm_ok",
] as const;

/** A button's action. */
export type Action = typeof ACTIONS[number];

/** A parsed button. */
export interface Button {
  action: Action;
  args: string[];
}

const settingsArg = z.string().regex(/^-?[A-Za-z0-9_]{1,20}$/);
const settingsSchema = z.tuple([z.literal("s"), z.enum(ACTIONS)], settingsArg);

/** Builds a button's data. */
export function btn(action: Action, ...args: Array<string | number>): string {
  const data = ["s", action, ...args.map(String)].join(":");
  if (new TextEncoder().encode(data).length > 64) throw new RangeError("callback data too long");
  return data;
}

/** Parses a button's data; null when it is not ours or not valid. */
export function parseButton(data: string): Button | null {
  const parts = partsOf(data);
  if (!parts || parts.length > 5) return null;
  const r = settingsSchema.safeParse(parts);
  return r.success ? { action: r.data[1], args: r.data.slice(2) as string[] } : null;
}

/** A positive integer argument (an id, a ticket number), or null. */
export const intArg = (v: string | undefined): number | null => {
  const r = z.coerce.number().int().min(-(2 ** 52)).max(2 ** 52).safeParse(v);
  return r.success && v !== undefined && v !== "" ? r.data : null;
};

/** An index argument 0…99, or null. */
export const indexArg = (v: string | undefined): number | null => {
  const r = z.coerce.number().int().min(0).max(99).safeParse(v);
  return r.success && v !== undefined && v !== "" ? r.data : null;
};

/** A bot kind argument. */
export const kindArg = (v: string | undefined): "client" | "manager" | null => {
  const r = z.enum(["client", "manager"]).safeParse(v);
  return r.success ? r.data : null;
};
