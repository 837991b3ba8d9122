/**
 * Names people added by a bare id: the first time Telegram shows a manager or an admin to any
 * of the bots (a comment in the group, a message, a button press), their stored record gets
 * the name and username from the update's `from`, and later changes are followed too.
 *
 * @module
 */
import type { Context, MiddlewareFn } from "grammy";
import type { User } from "grammy/types";
import { refreshStaffProfile } from "../storage/people.ts";
import { ticketsByManager } from "../storage/tickets.ts";
import type { BotDeps } from "./context.ts";

/** How long a person found to be no staff is not looked up again (they may be added later). */
const NOT_STAFF_TTL_MS = 60_000;
/** Entries kept in memory before the cache starts over (a bound, not a tuning knob). */
const MAX_SEEN = 10_000;

/** The name a person shows in Telegram, as the records keep it. */
export function telegramName(u: Pick<User, "first_name" | "last_name">): string {
  return [u.first_name, u.last_name].filter(Boolean).join(" ");
}

/**
 * Middleware shared by the bots. Cheap on the hot path: a person is looked up in KV once per
 * process while their Telegram profile stays the same (a non-staff person again after a
 * minute, since an admin may add them meanwhile); only a record that differs is written.
 */
export function rememberStaffNames<C extends Context>(
  deps: Pick<BotDeps, "kv" | "log" | "outbox">,
): MiddlewareFn<C> {
  // userId → the profile last seen and, for non-staff, until when it need not be checked
  const seen = new Map<number, { sig: string; until: number }>();
  return async (ctx, next) => {
    const u = ctx.from;
    if (u && !u.is_bot) {
      const sig = `${u.first_name}\n${u.last_name ?? ""}\n${u.username ?? ""}`;
      const s = seen.get(u.id);
      const now = performance.now();
      if (!s || s.sig !== sig || s.until < now) {
        try {
          const name = telegramName(u) || String(u.id);
          const r = await refreshStaffProfile(deps.kv, {
            id: u.id,
            name,
            ...(u.username ? { username: u.username } : {}),
          });
          if (seen.size >= MAX_SEEN) seen.clear();
          seen.set(u.id, { sig, until: r.staff ? Infinity : now + NOT_STAFF_TTL_MS });
          // the posts of their open tickets name the manager: show the new name there too
          if (r.managerChanged) {
            for (const tk of await ticketsByManager(deps.kv, u.id)) {
              if (tk.status !== "closed") await deps.outbox.markPost(tk.number);
            }
          }
        } catch (e) {
          // naming is a courtesy: the update itself must go on
          deps.log.warn("could not refresh a person's name", { user: u.id, err: e });
        }
      }
    }
    await next();
  };
}
