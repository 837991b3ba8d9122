/**
 * Answers from the fast lane: a manager replies, in the manager bot, to a notification that
 * carries a client's message (desk/notifier.ts), and the reply is the ticket's answer
 * (relay.ts `answerFromDesk`). What the manager is told when it cannot be.
 *
 * @module
 */
import { t } from "../../i18n/mod.ts";
import type { FastLaneRef } from "../../storage/desk.ts";
import { getManager } from "../../storage/people.ts";
import type { Helpdesk } from "../helpdesk.ts";
import { answerFromDesk, type Incoming } from "../relay.ts";
import type { DeskUser } from "./access.ts";
import { managerLabel } from "./format.ts";
import { getTicket } from "../../storage/tickets.ts";

/**
 * Takes `item`, a reply to the fast-lane notification `ref`, as the answer of `user`; returns
 * what to tell them (null: nothing, it is on its way or was handled already).
 */
export async function answerInDesk(
  deps: Helpdesk,
  user: DeskUser,
  ref: FastLaneRef,
  item: Incoming,
): Promise<string | null> {
  const r = await answerFromDesk(deps, ref.ticket, ref.seq, user.actor, item);
  if (r.ok || r.reason === "duplicate") return null;
  const number = ref.ticket;
  switch (r.reason) {
    case "not_found":
      return t(user.lang, "reason_not_found", { number });
    case "closed":
      return t(user.lang, "desk_fast_closed", { number });
    case "blocked": {
      const tk = await getTicket(deps.kv, number);
      return t(user.lang, "desk_fast_blocked", { number, client: tk?.clientId ?? "" });
    }
    case "not_yours": {
      const id = r.holder ?? null;
      const m = id === null ? null : await getManager(deps.kv, id);
      return t(user.lang, "desk_fast_not_yours", { number, manager: managerLabel(m, id) });
    }
  }
}
