/**
 * Desk commands typed in a ticket's thread, handled by the client bot (it sees every message
 * of the group and relays comments, so it must be the one to recognise them; the manager bot
 * ignores group messages): `/transfer @username|id` and `/canned name`. A refusal is told in
 * the thread, in the team's language.
 *
 * @module
 */
import type { Actor } from "../../domain/ticket.ts";
import { getManager } from "../../storage/people.ts";
import { getSettings } from "../../storage/settings.ts";
import type { Helpdesk } from "../helpdesk.ts";
import type { DeskUser } from "./access.ts";
import { sendCanned } from "./canned.ts";
import { actOnTicket, holdFor, mergeByArg, prioritizeByArg, transferByArg } from "./tickets.ts";

/** Thread commands of the desk. */
export type ThreadCommand = "transfer" | "canned" | "priority" | "hold" | "unhold" | "merge";

/**
 * Runs a desk command typed in ticket `n`'s thread by `actor` (already known to be staff;
 * the caller has marked the update processed). `arg` is the rest of the command's text.
 */
export async function threadCommand(
  deps: Helpdesk,
  n: number,
  actor: Actor & { role: "manager" | "admin" },
  cmd: ThreadCommand,
  arg: string,
): Promise<void> {
  const [settings, manager] = await Promise.all([
    getSettings(deps.kv),
    getManager(deps.kv, actor.id),
  ]);
  // answers go into the thread, which speaks the team's language
  const user: DeskUser = { actor, lang: settings.teamLang, manager };
  const r = cmd === "transfer"
    ? await transferByArg(deps, user, n, arg)
    : cmd === "priority"
    ? await prioritizeByArg(deps, user, n, arg)
    : cmd === "hold"
    ? await holdFor(deps, user, n, arg)
    : cmd === "unhold"
    ? await actOnTicket(deps, user, n, "unhold")
    : cmd === "merge"
    ? await mergeByArg(deps, user, n, arg)
    : await sendCanned(deps, user, n, arg.split(/\s+/)[0] ?? "");
  // success is visible already (thread notice of the transfer, the canned answer itself)
  if (r.ok) return;
  await deps.outbox.enqueue(n, [{
    lane: "group",
    action: { type: "notice", key: "custom_text", params: { text: r.text } },
  }]);
}
