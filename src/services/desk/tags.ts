/**
 * Tags on tickets: typed as `billing` or `#billing` (`/tag billing refund` in a thread, `/tag 12
 * billing` in the manager bot), checked with zod, normalised to lower case. A tag starts with a
 * letter (so `#12`, a ticket's number, is never one) and holds only what Telegram takes into a
 * hashtag (letters, digits, `_`): on the post and in lists it is a link that finds the others.
 *
 * @module
 */
import { z } from "zod";
import { MAX_TAG, MAX_TAGS, TAG_PATTERN } from "../../domain/ticket.ts";
import { t, type TextKey } from "../../i18n/mod.ts";
import type { Helpdesk } from "../helpdesk.ts";
import { retagTicket } from "../lifecycle.ts";
import { hashtags } from "../post.ts";
import type { DeskUser } from "./access.ts";
import { type Outcome, touchable } from "./tickets.ts";

/** One tag as typed, normalised: `#Billing` → `billing`. */
export const tagSchema = z.string().trim()
  .transform((s) => s.replace(/^#/, "").toLowerCase())
  .pipe(z.string().regex(TAG_PATTERN));

/** The tags of a command's argument, separated by spaces or commas. */
const tagList = z.string()
  .transform((s) => s.split(/[\s,]+/).filter(Boolean))
  .pipe(z.array(tagSchema).min(1).max(MAX_TAGS));

/** The tags typed in `arg`, or the key of what is wrong with them. */
export function parseTags(
  arg: string,
): { ok: true; tags: string[] } | { ok: false; error: TextKey } {
  const r = tagList.safeParse(arg);
  if (r.success) return { ok: true, tags: [...new Set(r.data)] };
  const words = arg.split(/[\s,]+/).filter(Boolean).length;
  return { ok: false, error: words > MAX_TAGS ? "desk_tags_too_many" : "desk_tag_format" };
}

/** One tag of a list filter (`/all #billing`), or null when `arg` is not one. */
export function parseTag(arg: string): string | null {
  const r = tagSchema.safeParse(arg);
  return r.success ? r.data : null;
}

/**
 * Adds (`change: "add"`) or removes the tags typed in `arg` on ticket `n` for the user. The
 * same rule as a close decides who may.
 */
export async function retagByArg(
  deps: Helpdesk,
  user: DeskUser,
  n: number,
  change: "add" | "remove",
  arg: string,
): Promise<Outcome> {
  const usage = change === "add" ? "desk_usage_tag" : "desk_usage_untag";
  if (!arg.trim()) return { ok: false, text: t(user.lang, usage) };
  const parsed = parseTags(arg);
  if (!parsed.ok) {
    return { ok: false, text: t(user.lang, parsed.error, { max: MAX_TAG, count: MAX_TAGS }) };
  }
  const got = await touchable(deps, user, n);
  if (!("ticket" in got)) return got;
  const r = await retagTicket(deps, n, user.actor, change, parsed.tags);
  if (!r.ok) {
    return {
      ok: false,
      text: t(user.lang, `reason_${r.reason}` as TextKey, { number: n, count: MAX_TAGS }),
    };
  }
  return {
    ok: true,
    text: r.ticket.tags?.length
      ? t(user.lang, "desk_tags_set", { number: n, tags: hashtags(r.ticket.tags) })
      : t(user.lang, "desk_tags_cleared", { number: n }),
  };
}
