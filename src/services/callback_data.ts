/**
 * Callback data of every inline button, built and parsed in one place. Parsing validates with
 * zod: anything forged or stale parses to null and the presser is told it is unavailable.
 *
 * @module
 */
import { z } from "zod";

const num = z.coerce.number().int().positive().max(2_000_000_000);

/** Actions of the buttons on a ticket's channel post (answered by the manager bot). */
export type PostAction = "take" | "close" | "reopen";

/** `p:<action>:<ticket>` */
export function postButton(action: PostAction, ticket: number): string {
  return `p:${action}:${ticket}`;
}

const postSchema = z.tuple([z.literal("p"), z.enum(["take", "close", "reopen"]), num]);

/** Parses a post button's data. */
export function parsePostButton(data: string): { action: PostAction; ticket: number } | null {
  const r = postSchema.safeParse(data.split(":"));
  return r.success ? { action: r.data[1], ticket: r.data[2] } : null;
}

/** Actions of the client bot's buttons. */
export type ClientAction =
  | { type: "topic"; index: number }
  | { type: "current"; ticket: number }
  | { type: "close"; ticket: number }
  | { type: "reopen"; ticket: number }
  | { type: "rate"; ticket: number; score: number }
  | { type: "held_reopen"; ticket: number }
  | { type: "held_new" }
  | { type: "faq_ok" }
  | { type: "faq_more" };

/** Builds a client button's data. */
export function clientButton(a: ClientAction): string {
  switch (a.type) {
    case "topic":
      return `c:topic:${a.index}`;
    case "rate":
      return `c:rate:${a.ticket}:${a.score}`;
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
  z.tuple([z.literal("c"), z.enum(["current", "close", "reopen", "held_reopen"]), num])
    .transform(([, type, ticket]) => ({ type, ticket })),
  z.tuple([z.literal("c"), z.literal("rate"), num, z.coerce.number().int().min(1).max(5)])
    .transform(([, , ticket, score]) => ({ type: "rate" as const, ticket, score })),
  z.tuple([z.literal("c"), z.enum(["held_new", "faq_ok", "faq_more"])])
    .transform(([, type]) => ({ type })),
]);

/** Parses a client button's data. */
export function parseClientButton(data: string): ClientAction | null {
  const r = clientSchema.safeParse(data.split(":"));
  return r.success ? r.data : null;
}
