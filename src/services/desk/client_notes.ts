/**
 * The team's private note on a customer: set or cleared by any manager or admin from a
 * ticket's thread (`/clientnote text`, `/clientnote -`) or the manager bot (`/clientnote 12
 * text`, the ticket's customer); shown in the client card comment of each new ticket, on the
 * ticket's and the client's cards; never sent to the customer.
 *
 * @module
 */
import { z } from "zod";
import { cleanTyped } from "../../domain/names.ts";
import { t } from "../../i18n/mod.ts";
import { type ClientNote, getClientNote, setClientNote } from "../../storage/client_notes.ts";
import { getAdmin } from "../../storage/people.ts";
import { getTicket } from "../../storage/tickets.ts";
import type { Helpdesk } from "../helpdesk.ts";
import { personName } from "../post.ts";
import type { DeskUser } from "./access.ts";
import type { Outcome } from "./tickets.ts";

/** Longest note, in characters (it is repeated in every new ticket's thread). */
export const MAX_NOTE = 500;

/** A note as typed: invisible characters dropped, spaces collapsed, 1–500 characters. */
const noteSchema = z.string().transform(cleanTyped)
  .pipe(z.string().min(1).refine((s) => [...s].length <= MAX_NOTE));

/**
 * `/clientnote` on ticket `n`'s customer: `arg` empty shows the note (as a refusal: nothing
 * changed), `-` clears it, anything else replaces it. A change is told in the ticket's thread
 * (in the team's language, as every notice there).
 */
export async function clientNoteByArg(
  deps: Helpdesk,
  user: DeskUser,
  n: number,
  arg: string,
): Promise<Outcome> {
  const tk = await getTicket(deps.kv, n);
  if (!tk) return { ok: false, text: t(user.lang, "reason_not_found", { number: n }) };
  const current = await getClientNote(deps.kv, tk.clientId);
  const typed = arg.trim();
  if (!typed) {
    return {
      ok: false,
      text: current
        ? t(user.lang, "desk_note_show", { note: current.text })
        : t(user.lang, "desk_note_none"),
    };
  }
  const at = deps.clock.now();
  let note: ClientNote | null = null;
  if (typed !== "-") {
    const r = noteSchema.safeParse(typed);
    if (!r.success) return { ok: false, text: t(user.lang, "desk_note_bad", { max: MAX_NOTE }) };
    note = { text: r.data, by: user.actor.id, at };
  } else if (!current) {
    return { ok: false, text: t(user.lang, "desk_note_none") };
  }
  await setClientNote(deps.kv, tk.clientId, note);
  const name = await authorName(deps, user);
  await deps.outbox.enqueue(n, [{
    lane: "group",
    action: note
      ? { type: "notice", key: "thread_note_set", params: { who: name, note: note.text } }
      : { type: "notice", key: "thread_note_cleared", params: { who: name } },
  }]);
  return {
    ok: true,
    text: note ? t(user.lang, "desk_note_set", { number: n }) : t(user.lang, "desk_note_cleared", {
      number: n,
    }),
  };
}

/** The name the thread shows for the user. */
async function authorName(deps: Helpdesk, user: DeskUser): Promise<string> {
  if (user.manager) return personName(user.manager);
  const a = await getAdmin(deps.kv, user.actor.id);
  return a?.name ? personName(a) : String(user.actor.id);
}
