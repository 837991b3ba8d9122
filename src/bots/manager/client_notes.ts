/**
 * The note on a customer from the manager bot: `/clientnote 12 text` sets the note on the
 * customer of ticket 12, `/clientnote 12 -` clears it, `/clientnote 12` shows it (in a thread
 * the same without the number, see bots/client/managers_group.ts).
 *
 * @module
 */
import { Composer } from "grammy";
import { t } from "../../i18n/mod.ts";
import { clientNoteByArg } from "../../services/desk/client_notes.ts";
import type { BotDeps } from "../context.ts";
import type { DeskCtx } from "./context.ts";
import { onCommand, ticketNumber } from "./ui.ts";

/** Setting, clearing and showing the note on a ticket's customer. */
export function clientNotes(deps: BotDeps): Composer<DeskCtx> {
  const c = new Composer<DeskCtx>();
  onCommand(c, "clientnote", async (ctx, arg, user) => {
    const n = ticketNumber(arg);
    if (n === null) return void await ctx.reply(t(user.lang, "desk_usage_note"));
    const r = await clientNoteByArg(deps, user, n, arg.replace(/^#?\d+\s*/, ""));
    await ctx.reply(r.text);
  });
  return c;
}
