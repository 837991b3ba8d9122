/**
 * The outbox's senders: the Telegram calls that deliver each kind of job (a client's message
 * copied into its thread, a manager's answer to the client, albums, notices, the client's
 * ticket header, edits and deletions of copies). Pacing and 429 retries are not theirs: the
 * bots' APIs pace every call (bots/pacing.ts), the failure policy decides what an error means
 * (outbox_failure.ts).
 *
 * Over ~400 lines and not split (yet): one class whose senders share the reply targets, the
 * header and the live-location helpers; splitting the edit and delete senders out is left to
 * a change of its own (issue 18 item 5 kept its diff to the throughput work).
 *
 * @module
 */
import type { Api } from "grammy";
import type {
  InputMediaAudio,
  InputMediaDocument,
  InputMediaPhoto,
  InputMediaVideo,
  Message,
  MessageEntity,
} from "grammy/types";
import type { Lane, MessageRecord, MsgAddr, OutboxJob } from "../domain/records.ts";
import { topicLabel } from "../domain/settings.ts";
import { t, type TextKey } from "../i18n/mod.ts";
import { getManager } from "../storage/people.ts";
import { changeTicket, getMessage, setThreadCopy } from "../storage/tickets.ts";
import { messageForJob } from "../storage/outbox.ts";
import { clientButton } from "./callback_data.ts";
import type { ServiceDeps } from "./deps.ts";
import { withPrefix } from "./message_content.ts";
import { personName } from "./post.ts";
import { fitMessage } from "./text_fit.ts";
import { classify, type LaneContext, type Outcome } from "./outbox_failure.ts";

type InputMedia = InputMediaPhoto | InputMediaVideo | InputMediaDocument | InputMediaAudio;

/** Kinds whose media a copy can have replaced (editMessageMedia). */
const MEDIA_KINDS: ReadonlySet<string> = new Set([
  "photo",
  "video",
  "animation",
  "audio",
  "document",
]);

/** Queues further jobs of a ticket (notices about what a job could not do). */
export type Enqueue = (
  ticket: number,
  jobs: Array<{ lane: Lane; action: OutboxJob["action"] }>,
) => Promise<void>;

/** Delivers jobs through the bots' APIs. */
export class Senders {
  readonly #deps: ServiceDeps;
  readonly #enqueue: Enqueue;

  constructor(deps: ServiceDeps, enqueue: Enqueue) {
    this.#deps = deps;
    this.#enqueue = enqueue;
  }

  /** Makes the Telegram calls of one job. */
  async execute(job: OutboxJob, ctx: LaneContext): Promise<Outcome> {
    const a = job.action;
    const n = ctx.ticket.number;
    switch (a.type) {
      case "copy": {
        const known = ctx.known?.get(a.msgSeq);
        const { entry, message: m } = known && !known.value.textParts
          ? { entry: known, message: known.value }
          : await messageForJob(this.#deps.kv, n, a.msgSeq);
        if (!m || m.deletedAt) return { kind: "done", copies: [] };
        const done = job.lane === "client"
          ? await this.#copyToClient(m, ctx)
          : await this.#copyToGroup(m, ctx);
        // texts went to the assigned manager at once; anything else now that it is in the group
        if (job.lane === "group" && m.kind !== "text") this.#inThread(n, done);
        // the completion checks the record as read here instead of reading it again
        return done.kind === "done" ? { ...done, read: [entry] } : done;
      }
      case "album": {
        const ms: MessageRecord[] = [];
        for (const s of a.msgSeqs) {
          const m = await getMessage(this.#deps.kv, n, s);
          if (m) ms.push(m);
        }
        const done = await this.#album(ms, job.lane, ctx);
        if (job.lane === "group") this.#inThread(n, done);
        return done;
      }
      case "mirror": {
        const m = await getMessage(this.#deps.kv, n, a.msgSeq);
        if (!m || m.deletedAt) return { kind: "done", copies: [] };
        return await this.#mirror(m, ctx);
      }
      case "notice":
        return await this.#notice(a.key as TextKey, a.params, a.buttons, job.lane, ctx, a.cycle);
      case "header": {
        const id = await this.#sendHeader(ctx);
        return { kind: "done", copies: [], headerId: id };
      }
      case "edit": {
        const m = await getMessage(this.#deps.kv, n, a.msgSeq);
        // an answer given in the manager bot: its comment in the thread is edited too
        const inThread = job.lane === "group" && m?.via === "desk";
        const target = inThread ? m?.thread : m?.copy;
        if (!m || !target) return { kind: "done", copies: [] };
        try {
          // only the bot that wrote a message can edit it
          const api = inThread
            ? (m.kind === "text" ? ctx.api : ctx.managerApi ?? ctx.api)
            : m.copyBot === "manager"
            ? ctx.managerApi ?? ctx.api
            : ctx.api;
          await this.#edit(m, target, job.lane, { ...ctx, api }, a.media === true);
        } catch (e) {
          const f = classify(e);
          // 429, 5xx and network errors are retried in lane order by the caller
          if (f.type !== "bad") throw e;
          if (/not modified/.test(f.description)) return { kind: "done", copies: [] };
          // the copy is gone or too old to edit: nothing to retry, but the team must know
          this.#deps.log.warn("edit not relayed", {
            ticket: n,
            lane: job.lane,
            reason: f.description,
          });
          await this.#enqueue(n, [{
            lane: "group",
            action: { type: "notice", key: "thread_edit_failed", params: {} },
          }]);
        }
        return { kind: "done", copies: [] };
      }
      case "delete": {
        const m = await getMessage(this.#deps.kv, n, a.msgSeq);
        if (!m?.copy) return { kind: "done", copies: [] };
        let key: TextKey = "thread_deleted";
        try {
          await ctx.api.deleteMessage(m.copy.chatId, m.copy.messageId);
        } catch (e) {
          const f = classify(e);
          if (f.type !== "bad") throw e;
          key = "thread_delete_failed";
        }
        await this.#enqueue(n, [{ lane: "group", action: { type: "notice", key, params: {} } }]);
        return { kind: "done", copies: [] };
      }
      default: {
        // written by a newer version, or corrupted: set aside with its reason, never at the
        // head of the lane for good (it used to spin there and block the ticket)
        const type = String((a as { type?: unknown }).type);
        return { kind: "failed", seqs: [], reason: `unknown job type "${type}"` };
      }
    }
  }

  /**
   * Client text messages into the thread as one comment (one message: its copy, as
   * {@linkcode Senders.execute} sends it, or its text when the manager bot writes it), by
   * `bot`, whose slot is reserved.
   */
  async textsToGroup(
    ms: MessageRecord[],
    ctx: LaneContext,
    bot: "client" | "manager",
  ): Promise<Outcome> {
    const api = bot === "manager" ? ctx.managerApi : ctx.api;
    if (!api) throw new Error("the manager bot is not running");
    const groupId = ctx.groupId!;
    const root = ctx.ticket.threadId!;
    const only = ms.length === 1 ? ms[0]! : null;
    let sent: { message_id: number };
    if (only && bot === "client") {
      sent = await api.copyMessage(groupId, only.source.chatId, only.source.messageId, {
        reply_parameters: { message_id: root },
      });
    } else {
      const { text, entities } = only
        ? { text: only.text ?? "", entities: only.entities as MessageEntity[] | undefined }
        : mergedText(ms, ctx.settings.timeZone);
      sent = await api.sendMessage(groupId, text, {
        ...(entities?.length ? { entities } : {}),
        reply_parameters: { message_id: root },
      });
    }
    const copy = { chatId: groupId, messageId: sent.message_id };
    const merged = ms.length > 1 ? ms.map((m) => m.seq) : undefined;
    return {
      kind: "done",
      copies: ms.map((m) => ({
        seq: m.seq,
        copy,
        ...(merged ? { merged } : {}),
        ...(bot === "manager" ? { bot } : {}),
      })),
    };
  }

  /** Where a reply inside the ticket should point, on the given side. */
  async #replyTarget(m: MessageRecord, side: "group" | "client"): Promise<number | undefined> {
    if (m.replyToSeq === undefined) return undefined;
    const target = await getMessage(this.#deps.kv, m.ticket, m.replyToSeq);
    if (!target) return undefined;
    const fromClient = target.direction === "in";
    // an answer given in the manager bot stands in the thread as its thread copy
    const inGroup = target.via === "desk" ? target.thread : target.source;
    const addr = side === "group"
      ? (fromClient ? target.copy : inGroup)
      : (fromClient ? target.source : target.copy);
    return addr?.messageId;
  }

  /** The line naming the manager above an answer given in the manager bot, in the thread. */
  async #answerLine(m: MessageRecord, ctx: LaneContext): Promise<string> {
    const manager = await getManager(this.#deps.kv, m.senderId);
    return t(ctx.settings.teamLang, "thread_desk_answer", {
      manager: manager ? personName(manager) : String(m.senderId),
    });
  }

  /** Tells the fast lane that client messages other than texts are in the thread now. */
  #inThread(ticket: number, done: Outcome): void {
    if (done.kind !== "done" || !done.copies.length) return;
    this.#deps.events?.()?.notify({
      type: "in_thread",
      ticket,
      copies: done.copies.map((c) => ({ seq: c.seq, messageId: c.copy.messageId })),
    });
  }

  /**
   * A manager's answer given in the manager bot, written into the thread under the manager's
   * name as a reply to the client's message it answers: a text by the client bot, media by
   * the manager bot, which received them (file_ids and its private chat are its own). Media
   * then go on to the client, copied by the client bot from this comment: a bot may copy any
   * message of a supergroup it is a member of, whoever wrote it (telegram-bot-api Client.cpp:
   * process_copy_message_query → check_message → have_message_access, then td's getMessage;
   * the emulator's `sourceMessage` likewise).
   */
  async #mirror(m: MessageRecord, ctx: LaneContext): Promise<Outcome> {
    const { kv } = this.#deps;
    const groupId = ctx.groupId!;
    const root = ctx.ticket.threadId!;
    const prefix = await this.#answerLine(m, ctx);
    // only a bot that may use custom emoji could write them
    const entities = ((m.entities ?? []) as MessageEntity[]).filter((e) =>
      e.type !== "custom_emoji"
    );
    const captioned = withPrefix(m.kind, m.text, entities, prefix);
    const target = (await this.#replyTarget(m, "group")) ?? root;
    const send = async (replyTo: number): Promise<{ message_id: number }> => {
      const reply = { reply_parameters: { message_id: replyTo } };
      if (m.kind === "text") {
        const p = captioned ?? {
          text: fitMessage(`${prefix}
${m.text ?? ""}`),
          entities: [],
        };
        return await ctx.api.sendMessage(groupId, p.text, { entities: p.entities, ...reply });
      }
      const api = ctx.managerApi;
      if (!api) throw new Error("the manager bot is not running");
      if (captioned) {
        return await api.copyMessage(groupId, m.source.chatId, m.source.messageId, {
          caption: captioned.text,
          caption_entities: captioned.entities,
          ...reply,
        });
      }
      // no room for the name in a caption (a sticker, a voice note's long caption…): a line first
      await ctx.api.sendMessage(groupId, prefix, reply);
      return await api.copyMessage(groupId, m.source.chatId, m.source.messageId, reply);
    };
    let sent: { message_id: number };
    try {
      sent = await send(target);
    } catch (e) {
      const f = classify(e);
      if (f.type !== "bad" || target === root || !/replied/.test(f.description)) throw e;
      sent = await send(root);
    }
    const thread = { chatId: groupId, messageId: sent.message_id };
    await setThreadCopy(kv, m.ticket, m.seq, thread);
    // (a crash in between posts the comment again on the retry: at least once, as comments)
    if (m.kind !== "text") {
      await this.#enqueue(m.ticket, [{ lane: "client", action: { type: "copy", msgSeq: m.seq } }]);
    }
    return { kind: "done", copies: [] };
  }

  async #copyToGroup(m: MessageRecord, ctx: LaneContext): Promise<Outcome> {
    const groupId = ctx.groupId!;
    const root = ctx.ticket.threadId!;
    const target = (await this.#replyTarget(m, "group")) ?? root;
    const send = (replyTo: number) =>
      m.location?.livePeriod
        ? this.#sendLive(ctx.api, groupId, m, { message_id: replyTo })
        : ctx.api.copyMessage(groupId, m.source.chatId, m.source.messageId, {
          reply_parameters: { message_id: replyTo },
        });
    let res: { message_id: number };
    try {
      res = await send(target);
    } catch (e) {
      const f = classify(e);
      if (f.type !== "bad" || target === root || !/replied/.test(f.description)) throw e;
      res = await send(root);
    }
    return {
      kind: "done",
      copies: [{ seq: m.seq, copy: { chatId: groupId, messageId: res.message_id } }],
    };
  }

  async #header(ctx: LaneContext): Promise<number> {
    return ctx.ticket.clientHeaderId ?? await this.#sendHeader(ctx);
  }

  async #sendHeader(ctx: LaneContext): Promise<number> {
    const lang = ctx.client?.lang ?? "ru";
    const sent = await ctx.api.sendMessage(
      ctx.ticket.clientId,
      // the number and topic the customer can reply to, and the promise that someone will answer
      `${
        t(lang, "ticket_header", {
          number: ctx.ticket.number,
          topic: topicLabel(ctx.settings, ctx.ticket.topic, lang),
        })
      }\n${t(lang, "ticket_created")}`,
    );
    await changeTicket(this.#deps.kv, ctx.ticket.number, this.#deps.clock.now(), (tk) => ({
      ticket: { ...tk, clientHeaderId: sent.message_id },
      result: undefined,
    }));
    ctx.ticket = { ...ctx.ticket, clientHeaderId: sent.message_id };
    return sent.message_id;
  }

  /**
   * The copy of a live location: a copy on Telegram is a static location (tdlib
   * MessageContent.cpp dup_message_content), so the bot shares a live location of its own at
   * the same position for the same period, which #edit then moves.
   */
  async #sendLive(
    api: Api,
    chatId: number,
    m: MessageRecord,
    reply: { message_id: number; allow_sending_without_reply?: boolean },
  ): Promise<{ message_id: number }> {
    const loc = m.location!;
    return await api.sendLocation(chatId, loc.latitude, loc.longitude, {
      ...(loc.stopped ? {} : { live_period: loc.livePeriod }),
      reply_parameters: reply,
    });
  }

  async #copyToClient(m: MessageRecord, ctx: LaneContext): Promise<Outcome> {
    const clientId = ctx.ticket.clientId;
    const prefix = t(ctx.client?.lang ?? "ru", "ticket_number_prefix", {
      number: ctx.ticket.number,
    });
    const withNumber = withPrefix(m.kind, m.text, m.entities, prefix);
    // an answer given in the manager bot: the client bot copies its media from the thread
    const from = m.via === "desk" ? m.thread : m.source;
    if (!from && m.kind !== "text") {
      return { kind: "failed", seqs: [m.seq], reason: "the answer is not in the thread" };
    }
    const replyTo = await this.#replyTarget(m, "client");
    const reply = replyTo !== undefined
      ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } }
      : {};
    let sent: { message_id: number };
    if (m.location?.livePeriod) {
      const header = replyTo ?? await this.#header(ctx);
      sent = await this.#sendLive(ctx.api, clientId, m, {
        message_id: header,
        allow_sending_without_reply: true,
      });
    } else if (withNumber && m.kind === "text") {
      sent = await ctx.api.sendMessage(clientId, withNumber.text, {
        entities: withNumber.entities,
        ...reply,
      });
    } else if (withNumber) {
      sent = await ctx.api.copyMessage(clientId, from!.chatId, from!.messageId, {
        caption: withNumber.text,
        caption_entities: withNumber.entities,
        ...reply,
      });
    } else if (m.via === "desk" && m.kind === "text") {
      // too long for the number in front, and nothing to copy from yet: the text itself
      const header = replyTo ?? await this.#header(ctx);
      sent = await ctx.api.sendMessage(clientId, m.text ?? "", {
        entities: m.entities as MessageEntity[] | undefined,
        reply_parameters: { message_id: header, allow_sending_without_reply: true },
      });
    } else {
      const header = replyTo ?? await this.#header(ctx);
      sent = await ctx.api.copyMessage(clientId, from!.chatId, from!.messageId, {
        reply_parameters: { message_id: header, allow_sending_without_reply: true },
      });
    }
    return {
      kind: "done",
      copies: [{ seq: m.seq, copy: { chatId: clientId, messageId: sent.message_id } }],
    };
  }

  async #album(ms: MessageRecord[], lane: Lane, ctx: LaneContext): Promise<Outcome> {
    if (ms.length === 0) return { kind: "done", copies: [] };
    const toGroup = lane === "group";
    const chatId = toGroup ? ctx.groupId! : ctx.ticket.clientId;
    const prefix = t(ctx.client?.lang ?? "ru", "ticket_number_prefix", {
      number: ctx.ticket.number,
    });
    let replyTo: number | undefined = toGroup ? ctx.ticket.threadId! : undefined;
    const media: InputMedia[] = ms.map((m, i) => {
      let caption = m.text;
      let entities = m.entities as Message["caption_entities"];
      if (!toGroup && i === 0) {
        const p = withPrefix(m.kind, m.text, m.entities, prefix);
        if (p) {
          caption = p.text;
          entities = p.entities;
        } else replyTo = -1;
      }
      const type = m.kind === "photo" || m.kind === "video" || m.kind === "audio"
        ? m.kind
        : "document";
      return {
        type,
        media: m.fileId!,
        ...(caption ? { caption } : {}),
        ...(entities?.length ? { caption_entities: entities } : {}),
      } as InputMedia;
    });
    if (replyTo === -1) replyTo = await this.#header(ctx);
    const sent = await ctx.api.sendMediaGroup(chatId, media as InputMediaPhoto[], {
      ...(replyTo !== undefined ? { reply_parameters: { message_id: replyTo } } : {}),
    });
    return {
      kind: "done",
      copies: ms.map((m, i) => ({
        seq: m.seq,
        copy: { chatId, messageId: sent[i]?.message_id ?? sent[0]!.message_id },
      })),
    };
  }

  async #notice(
    key: TextKey,
    params: Record<string, string | number>,
    buttons: "rate" | undefined,
    lane: Lane,
    ctx: LaneContext,
    cycle?: number,
  ): Promise<Outcome> {
    if (lane === "group") {
      await ctx.api.sendMessage(ctx.groupId!, t(ctx.settings.teamLang, key, params), {
        reply_parameters: { message_id: ctx.ticket.threadId! },
      });
      return { kind: "done", copies: [] };
    }
    const lang = ctx.client?.lang ?? "ru";
    const n = ctx.ticket.number;
    await ctx.api.sendMessage(ctx.ticket.clientId, t(lang, key, params), {
      ...(buttons === "rate"
        ? {
          reply_markup: {
            inline_keyboard: [[1, 2, 3, 4, 5].map((score) => ({
              text: "★".repeat(score),
              callback_data: clientButton({ type: "rate", ticket: n, score, cycle }),
            }))],
          },
        }
        : {}),
    });
    return { kind: "done", copies: [] };
  }

  async #edit(
    m: MessageRecord,
    copy: MsgAddr,
    lane: Lane,
    ctx: LaneContext,
    media = false,
  ): Promise<void> {
    if (m.kind === "location") {
      // a static location can't be edited on Telegram; a live one's copy is the bot's own
      // live location (see #sendLive), moved here and stopped with the original
      const loc = m.location;
      if (!loc?.livePeriod) return;
      try {
        await ctx.api.editMessageLiveLocation(
          copy.chatId,
          copy.messageId,
          loc.latitude,
          loc.longitude,
        );
      } catch (e) {
        const f = classify(e);
        if (!loc.stopped || f.type !== "bad" || !/not modified/.test(f.description)) throw e;
      }
      if (loc.stopped) await ctx.api.stopMessageLiveLocation(copy.chatId, copy.messageId);
      return;
    }
    let text = m.text ?? "";
    let entities = m.entities as Message["entities"];
    if (lane === "group" && m.via === "desk") {
      // the comment keeps the manager's name in front (see #mirror)
      const p = withPrefix(m.kind, m.text, entities, await this.#answerLine(m, ctx));
      if (p) {
        text = p.text;
        entities = p.entities;
      }
    }
    if (lane === "client") {
      const prefix = t(ctx.client?.lang ?? "ru", "ticket_number_prefix", {
        number: ctx.ticket.number,
      });
      const p = withPrefix(m.kind, m.text, m.entities, prefix);
      if (p) {
        text = p.text;
        entities = p.entities;
      }
    }
    if (m.kind === "text" && lane === "group" && m.merged && m.merged.length > 1) {
      // a part of a coalesced comment: the comment is written again with every part's latest
      const parts: MessageRecord[] = [];
      for (const seq of m.merged) {
        const p = seq === m.seq ? m : await getMessage(this.#deps.kv, m.ticket, seq);
        if (p) parts.push(p);
      }
      const merged = mergedText(parts, ctx.settings.timeZone);
      await ctx.api.editMessageText(copy.chatId, copy.messageId, merged.text, {
        entities: merged.entities,
      });
    } else if (m.kind === "text") {
      await ctx.api.editMessageText(copy.chatId, copy.messageId, text, { entities });
    } else if (media && m.fileId && MEDIA_KINDS.has(m.kind)) {
      // the client bot received the new media, so its file_id is the client bot's own
      await ctx.api.editMessageMedia(copy.chatId, copy.messageId, {
        type: m.kind as "photo",
        media: m.fileId,
        ...(text ? { caption: text, caption_entities: entities } : {}),
      });
    } else {
      await ctx.api.editMessageCaption(copy.chatId, copy.messageId, {
        caption: text,
        caption_entities: entities,
      });
    }
  }
}

/** Telegram's longest text message (UTF-16 units). */
const TEXT_MAX = 4096;

/**
 * Whether a message may share a comment with others, or be written by the manager bot: a
 * client's plain text (its copy is then just its text), not a reply to a message of the
 * ticket (the comment replies to the thread root), with no custom emoji (only a bot that
 * can use them could write them).
 */
export function coalescable(m: MessageRecord | null | undefined): m is MessageRecord {
  return !!m && m.direction === "in" && m.kind === "text" && m.text !== undefined &&
    !m.textParts && m.replyToSeq === undefined && !m.deletedAt && !m.location &&
    !(m.entities as MessageEntity[] | undefined)?.some((e) => e.type === "custom_emoji");
}

function timeOf(at: number, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat("en-GB", {
      timeZone,
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    }).format(at);
  } catch {
    return new Date(at).toISOString().slice(11, 19);
  }
}

/**
 * The text of a coalesced comment: each part on its own line(s) after its time in bold, so
 * that the parts stay recognisable; each part's entities moved along.
 */
export function mergedText(
  parts: MessageRecord[],
  timeZone: string,
): { text: string; entities: MessageEntity[] } {
  let text = "";
  const entities: MessageEntity[] = [];
  for (const p of parts) {
    if (text) text += "\n";
    const time = timeOf(p.at, timeZone);
    entities.push({ type: "bold", offset: text.length, length: time.length });
    text += `${time} `;
    const at = text.length;
    for (const e of (p.entities as MessageEntity[] | undefined) ?? []) {
      entities.push({ ...e, offset: e.offset + at });
    }
    text += p.text ?? "";
  }
  return { text, entities };
}

/** How many of `parts` (from the first) fit one comment; at least one. */
export function partsThatFit(parts: MessageRecord[], timeZone: string): number {
  let n = 1;
  while (n < parts.length && mergedText(parts.slice(0, n + 1), timeZone).text.length <= TEXT_MAX) {
    n++;
  }
  return n;
}
