/**
 * Callback data of the manager bot's own buttons (prefix `m:`), built and parsed in one
 * place. Parsing validates with zod; anything forged, stale or too long parses to null and
 * the presser is told the button is not valid. Whether the presser may touch the ticket or
 * client named in valid data is checked separately (see `access.ts`).
 *
 * @module
 */
import { z } from "zod";
import type { Priority } from "../../domain/ticket.ts";

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
  | { type: "list"; view: DeskView; page: number }
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

const id = z.string().regex(/^[1-9]\d{0,15}$/).transform(Number).pipe(
  z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
);
const page = z.string().regex(/^\d{1,5}$/).transform(Number);
const views = z.enum(["all", "mine", "un", "late", "team", "cust", "hold"]);

const schema = z.union([
  z.tuple([z.literal("m"), z.literal("l"), views, page])
    .transform(([, , view, p]) => ({ type: "list" as const, view, page: p })),
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
  z.tuple([z.literal("m"), z.literal("c"), page])
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
      return `m:l:${b.view}:${b.page}`;
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
  if (data.length > 64) return null;
  const r = schema.safeParse(data.split(":"));
  return r.success ? r.data : null;
}
