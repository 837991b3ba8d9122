/**
 * Canned answers: the team saves short answers by name and sends one into a ticket, from the
 * manager bot or with `/canned name` in the ticket's thread.
 *
 * Bots never see other bots' messages (DESIGN fact 3), so a canned answer cannot be "posted
 * and relayed": the manager bot posts it into the thread (so the team sees it there), and
 * the same text is recorded as the manager's message with a client-lane job in one atomic
 * change, exactly like a comment, so the outbox (client bot) delivers it to the client.
 *
 * @module
 */
import { fitLines } from "../text_fit.ts";
import type { MessageRecord } from "../../domain/records.ts";
import { managerReplied } from "../../domain/ticket.ts";
import { t, type TextKey } from "../../i18n/mod.ts";
import {
  type CannedReply,
  deleteCanned,
  getCanned,
  listCanned,
  putCanned,
} from "../../storage/desk.ts";
import { getClient, getManager } from "../../storage/people.ts";
import { getSettings } from "../../storage/settings.ts";
import { deskChats } from "../../domain/settings.ts";
import {
  alreadyProcessed,
  changeTicket,
  getTicket,
  type InboxMark,
} from "../../storage/tickets.ts";
import type { Helpdesk } from "../helpdesk.ts";
import { personName } from "../post.ts";
import { type DeskUser, mayTouch } from "./access.ts";
import { CANNED_NAME, deskButton } from "../callback_data.ts";
import { escapeHtml, type Screen } from "./format.ts";
import type { Outcome } from "./tickets.ts";

/** Longest canned text: leaves room for the ticket number the client copy starts with. */
export const CANNED_MAX = 3_500;

/** Saves a canned answer; the name is lower-cased. */
export async function saveCanned(
  deps: Helpdesk,
  user: DeskUser,
  name: string,
  text: string,
): Promise<Outcome> {
  const [key, lang] = name.toLowerCase().split(":") as [string, string | undefined];
  const body = text.trim();
  if (!CANNED_NAME.test(key) || !body || (lang !== undefined && !isLang(lang))) {
    return { ok: false, text: t(user.lang, "desk_canned_usage") };
  }
  if (body.length > CANNED_MAX) {
    return { ok: false, text: t(user.lang, "desk_canned_too_long", { max: CANNED_MAX }) };
  }
  const old = await getCanned(deps.kv, key);
  const by = user.actor.id, at = deps.clock.now();
  // `name:en` adds the English version; the plain name sets the text everyone else gets
  await putCanned(
    deps.kv,
    lang === undefined
      ? { ...old, name: key, text: body, by, at }
      : { name: key, text: old?.text ?? body, texts: { ...old?.texts, [lang]: body }, by, at },
  );
  return { ok: true, text: t(user.lang, "desk_canned_saved", { name: name.toLowerCase() }) };
}

function isLang(x: string): x is "ru" | "en" {
  return x === "ru" || x === "en";
}

/** The canned text a client of `lang` gets: their language's version, or the common one. */
export function cannedFor(c: CannedReply, lang: string): string {
  return (isLang(lang) ? c.texts?.[lang] : undefined) || c.text;
}

/** Deletes a canned answer, or with `name:en` only its version in that language. */
export async function removeCanned(deps: Helpdesk, user: DeskUser, name: string): Promise<Outcome> {
  const [key, lang] = name.toLowerCase().split(":") as [string, string | undefined];
  if (lang !== undefined) {
    const old = await getCanned(deps.kv, key);
    const has = old !== null && isLang(lang) && old.texts?.[lang] !== undefined;
    if (has) {
      const texts = { ...old.texts };
      delete texts[lang as "ru" | "en"];
      await putCanned(deps.kv, { ...old, texts, by: user.actor.id, at: deps.clock.now() });
    }
    return {
      ok: has,
      text: t(user.lang, has ? "desk_canned_deleted" : "desk_canned_unknown", { name }),
    };
  }
  const ok = await deleteCanned(deps.kv, key);
  return {
    ok,
    text: t(user.lang, ok ? "desk_canned_deleted" : "desk_canned_unknown", { name }),
  };
}

/** The list of canned answers (HTML); with a ticket, a button per answer sends it there. */
export async function cannedScreen(
  deps: Helpdesk,
  user: DeskUser,
  ticket?: number,
): Promise<Screen> {
  const all = await listCanned(deps.kv);
  const lang = user.lang;
  if (!all.length) return { text: t(lang, "desk_canned_empty"), keyboard: [] };
  const head = ticket === undefined
    ? t(lang, "desk_canned_head")
    : t(lang, "desk_canned_pick", { number: ticket });
  return {
    text: head + "\n\n" + fitLines(
      all.map((c: CannedReply) =>
        t(lang, "desk_canned_line", {
          name: escapeHtml(
            c.name + Object.keys(c.texts ?? {}).map((l) => ` · ${c.name}:${l}`).join(""),
          ),
          text: escapeHtml(c.text.length > 80 ? c.text.slice(0, 80) + "…" : c.text),
        })
      ),
      (n) => t(lang, "desk_and_more", { n }),
    ),
    keyboard: ticket === undefined ? [] : all.slice(0, 40).map((c) => [{
      text: c.name,
      callback_data: deskButton({ type: "canned", ticket, name: c.name }),
    }]),
  };
}

/**
 * Sends canned answer `name` into ticket `n` as the user's reply: posted into the thread by
 * the manager bot, recorded as the user's message and queued to the client. With `inbox`,
 * the update is marked processed in the same change (a redelivered update sends nothing).
 */
export async function sendCanned(
  deps: Helpdesk,
  user: DeskUser,
  n: number,
  name: string,
  inbox?: InboxMark,
): Promise<Outcome> {
  const lang = user.lang;
  const [canned, tk, settings] = await Promise.all([
    getCanned(deps.kv, name.toLowerCase()),
    getTicket(deps.kv, n),
    getSettings(deps.kv),
  ]);
  if (!canned) return { ok: false, text: t(lang, "desk_canned_unknown", { name }) };
  if (!tk) return { ok: false, text: t(lang, "reason_not_found", { number: n }) };
  if (!mayTouch(user.actor, tk)) {
    return { ok: false, text: t(lang, "desk_not_yours", { number: n }) };
  }
  if (tk.status === "closed") return { ok: false, text: t(lang, "reason_closed", { number: n }) };
  const api = deps.apis().manager;
  // the thread is in the group of the ticket's desk
  const groupId = deskChats(settings, tk.desk).groupId;
  if (tk.threadId === null || groupId === null || !api) {
    return { ok: false, text: t(lang, "desk_no_thread", { number: n }) };
  }
  if (inbox && await alreadyProcessed(deps.kv, [inbox])) {
    return { ok: false, text: t(lang, "desk_canned_sent", { number: n, name: canned.name }) };
  }
  const [me, client] = await Promise.all([
    getManager(deps.kv, user.actor.id),
    getClient(deps.kv, tk.clientId),
  ]);
  const author = me ? personName(me) : String(user.actor.id);
  const text = cannedFor(canned, client?.lang ?? "");
  // the team sees the answer in the thread; the record's source is that message, so a client
  // reply to the copy lands as a reply to it, like for any comment
  const posted = await api.sendMessage(
    groupId,
    t(settings.teamLang, "desk_canned_thread", { name: author, canned: canned.name }) + "\n\n" +
      text,
    { reply_parameters: { message_id: tk.threadId } },
  );
  const at = deps.clock.now();
  let reassigned = false;
  const res = await changeTicket(deps.kv, n, at, (ticket, next) => {
    const r = managerReplied(ticket, user.actor, at);
    if (!r.ok) return { refuse: r.reason };
    reassigned = ticket.managerId !== r.ticket.managerId || ticket.status !== r.ticket.status;
    const record: MessageRecord = {
      ticket: n,
      seq: next(),
      at,
      direction: "out",
      senderId: user.actor.id,
      kind: "text",
      text,
      source: { chatId: groupId, messageId: posted.message_id },
      delivery: "pending",
    };
    return {
      ticket: r.ticket,
      events: [{ ...r.event, seq: next() }],
      messages: [record],
      jobs: [{
        ticket: n,
        lane: "client",
        seq: next(),
        createdAt: at,
        attempts: 0,
        notBefore: 0,
        action: { type: "copy", msgSeq: record.seq },
      }],
      postDirty: reassigned,
      result: undefined,
    };
  }, inbox ? [inbox] : []);
  if (!res.ok) {
    if (res.reason === "duplicate") {
      return { ok: false, text: t(lang, "desk_canned_sent", { number: n, name: canned.name }) };
    }
    return { ok: false, text: t(lang, `reason_${res.reason}` as TextKey, { number: n }) };
  }
  deps.outbox.kick(n, "client");
  if (reassigned) deps.outbox.kickPost(n);
  return { ok: true, text: t(lang, "desk_canned_sent", { number: n, name: canned.name }) };
}
