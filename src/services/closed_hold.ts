/**
 * What customers write while the helpdesk is closed is kept (never thrown away) and, when it
 * opens again, goes to the customer's open ticket, or waits for the topic the customer is
 * then asked for.
 *
 * @module
 */
import { InlineKeyboard } from "grammy";
import { type Settings, topicLabel, topicMark } from "../domain/settings.ts";
import { type Lang, t } from "../i18n/mod.ts";
import {
  clientsAtStage,
  closedHoldsLeft,
  type Draft,
  getDraft,
  listHeld,
  noteClosedHoldsLeft,
  setDraft,
} from "../storage/drafts.ts";
import { getClient } from "../storage/people.ts";
import { getSettings } from "../storage/settings.ts";
import { clientButton } from "./callback_data.ts";
import type { Helpdesk } from "./helpdesk.ts";
import { customerGone } from "./customer_gone.ts";
import { clientMessages } from "./relay.ts";

/** The question for a ticket's topic: buttons when topics are set, else a typed answer. */
export function topicQuestion(
  s: Settings,
  lang: Lang,
): { text: string; markup?: InlineKeyboard; draft: Draft } {
  if (!s.topics.length) return { text: t(lang, "type_topic"), draft: { stage: "topic_text" } };
  // one topic per row, and no empty row after the last
  const kb = InlineKeyboard.from(s.topics.map((topic, index) => [
    InlineKeyboard.text(
      topicLabel(s, topic, lang),
      clientButton({ type: "topic", index, mark: topicMark(topic) }),
    ),
  ]));
  return { text: t(lang, "choose_topic"), markup: kb, draft: { stage: "topic" } };
}

/**
 * Hands on what `clientId` wrote while the helpdesk was closed: to their open ticket, or
 * they are asked for a topic (the messages stay held until it is chosen). The question goes
 * first and the draft after it: a question Telegram fails leaves the draft "closed", so the
 * customer's next message (or their return after blocking the bot) asks again, instead of
 * their messages being held for a question they never got. "asked": the topic question went.
 */
export async function releaseClosedHold(
  deps: Helpdesk,
  clientId: number,
): Promise<"handed" | "asked" | "none"> {
  if ((await getDraft(deps.kv, clientId))?.stage !== "closed") return "none";
  const [held, client, s] = await Promise.all([
    listHeld(deps.kv, clientId),
    getClient(deps.kv, clientId),
    getSettings(deps.kv),
  ]);
  if (!held.length) {
    await setDraft(deps.kv, clientId, null);
    return "none";
  }
  if (client?.currentTicket != null) {
    const r = await clientMessages(
      deps,
      client.currentTicket,
      clientId,
      held,
      held.map((h) => h.updateId),
    );
    if (r === "ok" || r === "duplicate") {
      await setDraft(deps.kv, clientId, null);
      return "handed";
    }
  }
  const api = deps.apis().client;
  if (!api) return "none";
  const q = topicQuestion(s, client?.lang ?? "en");
  try {
    await api.sendMessage(clientId, q.text, q.markup ? { reply_markup: q.markup } : {});
  } catch (e) {
    if (!customerGone(e, clientId)) throw e;
    deps.log.info("a customer with kept messages blocked the bot", { user: clientId });
    await deps.outbox.markUnreachable(clientId, true);
    return "none";
  }
  await setDraft(deps.kv, clientId, q.draft);
  return "asked";
}

/**
 * After the helpdesk opened: everything written while it was closed is handed on; what could
 * not be (Telegram failed, or this instance stops halfway through a long list) is noted for
 * the minute job. Customers known to have blocked the bot are asked when they are back.
 */
export async function releaseAllClosedHolds(deps: Helpdesk): Promise<void> {
  await noteClosedHoldsLeft(deps.kv, true, deps.clock.now());
  let failed = false;
  for (const id of await clientsAtStage(deps.kv, "closed")) {
    if ((await getClient(deps.kv, id))?.unreachable) continue;
    await releaseClosedHold(deps, id).catch((e) => {
      failed = true;
      deps.log.warn("cannot hand on messages kept while closed", { client: id, err: e });
    });
  }
  if (!failed) await noteClosedHoldsLeft(deps.kv, false, deps.clock.now());
}

/**
 * The minute job's share: kept messages an opening did not hand on are handed on now, without
 * waiting for the customer to write again (one read while there are none).
 */
export async function releaseLeftClosedHolds(deps: Helpdesk): Promise<void> {
  if (!(await closedHoldsLeft(deps.kv)) || !(await getSettings(deps.kv)).open) return;
  await releaseAllClosedHolds(deps);
}
