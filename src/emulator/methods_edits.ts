/**
 * Changing sent messages: edits of text, caption, markup, media and live locations; deletes.
 *
 * @module
 */
import { badRequest, E } from "./errors.ts";
import { LIMITS } from "./rules.ts";
import { type FileKind, type FileRec, type MsgKind, type MsgRec } from "./world.ts";
import { type ApiEnv, type Handler, LIVE_FOREVER, num, str, type Tools } from "./methods.ts";

/** Registers the handlers of this group in `h`. */
export function editMethods(h: Map<string, Handler>, t: Tools, env: ApiEnv): void {
  const {
    chatToRead,
    rights,
    formatted,
    caption,
    markup,
    inputFile,
    limitKind,
    sendResult,
    editable,
    finishEdit,
    liveEnd,
    liveEditable,
    snapshot,
    w,
  } = t;
  h.set("editMessageText", (c) => {
    const m = editable(c);
    if (m.text === undefined) throw badRequest(E.noTextToEdit);
    const before = snapshot(m);
    const f = formatted(str(c.params.text)!, c.params.parse_mode, c.params.entities, "text");
    return finishEdit(c, m, {
      text: f.text,
      entities: f.entities,
      replyMarkup: markup(c.params.reply_markup),
    }, before);
  });
  h.set("editMessageCaption", (c) => {
    const m = editable(c);
    if (m.text !== undefined || !m.file) throw badRequest(E.noCaptionToEdit);
    const before = snapshot(m);
    const body: Partial<MsgRec> = { caption: undefined, captionEntities: undefined };
    caption(c.params, body);
    body.replyMarkup = markup(c.params.reply_markup);
    return finishEdit(c, m, body, before);
  });
  h.set("editMessageReplyMarkup", (c) => {
    const m = editable(c);
    const before = snapshot(m);
    return finishEdit(c, m, { replyMarkup: markup(c.params.reply_markup) }, before);
  });

  h.set("editMessageLiveLocation", (c) => {
    const m = liveEditable(c);
    const p = c.params;
    const live = { ...m.live! };
    const period = num(p.live_period);
    if (period !== undefined && period !== live.period) {
      // the new period counts from the send date and must leave the end in the future
      const startedAt = live.period === LIVE_FOREVER
        ? performance.now() - env.clock.realMs(w.now() - m.date)
        : live.endsAt - env.clock.realMs(live.period);
      const endsAt = liveEnd(startedAt, period);
      const tooLong = live.period !== LIVE_FOREVER && period !== LIVE_FOREVER &&
        period > live.period + 86400;
      if (tooLong || endsAt <= performance.now()) throw badRequest(E.livePeriodInvalid);
      Object.assign(live, { period, endsAt });
    }
    if (num(p.heading) !== undefined) live.heading = num(p.heading) || undefined;
    if (num(p.proximity_alert_radius) !== undefined) {
      live.radius = num(p.proximity_alert_radius) || undefined;
    }
    const location = { latitude: p.latitude, longitude: p.longitude };
    const kb = markup(p.reply_markup);
    const before = JSON.stringify([m.extra?.location, m.live, m.replyMarkup]);
    if (JSON.stringify([location, live, kb]) === before) throw badRequest(E.notModified);
    env.limiter.take(c.bot.id, limitKind(m.chat), m.chat.id, 1);
    // a new object: copies made earlier keep the position they were made with
    m.extra = { ...m.extra, location };
    m.live = live;
    m.replyMarkup = kb;
    m.editDate = w.now();
    return sendResult(c.bot, m);
  });
  h.set("stopMessageLiveLocation", (c) => {
    const m = liveEditable(c);
    env.limiter.take(c.bot.id, limitKind(m.chat), m.chat.id, 1);
    m.live = { ...m.live!, endsAt: performance.now() };
    m.replyMarkup = markup(c.params.reply_markup);
    m.editDate = w.now();
    return sendResult(c.bot, m);
  });
  h.set("editMessageMedia", (c) => {
    const m = editable(c);
    // MessagesManager.cpp can_edit_message_media: text, animation, audio, document, photo, video
    const MEDIA = ["text", "animation", "audio", "document", "photo", "video"];
    if (!MEDIA.includes(m.kind)) throw badRequest(E.mediaCantEdit);
    const media = c.params.media as Record<string, unknown>;
    const kind = String(media.type) as FileKind;
    if (!["animation", "audio", "document", "photo", "video"].includes(kind)) {
      throw badRequest("unsupported input message content type");
    }
    if (
      m.mediaGroupId && m.kind !== kind && (kind === "document" || kind === "audio" ||
        m.kind === "document" || m.kind === "audio")
    ) {
      throw badRequest("can't change media type in the album");
    }
    const meta: Partial<FileRec> = {};
    if (num(media.duration) !== undefined) meta.duration = num(media.duration);
    const file = inputFile(c.bot, media.media, kind, c.params, meta);
    const body: Partial<MsgRec> = { kind: kind as MsgKind, file, text: undefined };
    body.entities = undefined;
    body.caption = undefined;
    body.captionEntities = undefined;
    caption(media, body);
    body.replyMarkup = markup(c.params.reply_markup);
    const same = m.file === file && m.caption === body.caption &&
      JSON.stringify(m.captionEntities) === JSON.stringify(body.captionEntities) &&
      JSON.stringify(m.replyMarkup) === JSON.stringify(body.replyMarkup);
    if (same) throw badRequest(E.notModified);
    env.limiter.take(c.bot.id, limitKind(m.chat), m.chat.id, 1);
    Object.assign(m, body);
    m.editDate = w.now();
    return sendResult(c.bot, m);
  });

  h.set("deleteMessage", ({ bot, params: p }) => {
    const chat = chatToRead(bot, p.chat_id);
    const m = w.message(chat, num(p.message_id)!);
    if (!m) throw badRequest(E.deleteNotFound);
    const own = m.authorId === bot.id;
    const ok = own || chat.type === "private" || rights(chat, bot.id)?.can_delete_messages === true;
    if (!ok) throw badRequest(E.cantDelete);
    // Why: bots can't delete messages older than 2 days, in any chat (MessagesManager.cpp
    // can_delete_channel_message, and DEFAULT_REVOKE_TIME_LIMIT for bots in can_revoke_message).
    if (w.ageSec(m) >= LIMITS.deleteMaxAgeSec) throw badRequest(E.cantDelete);
    m.deleted = true;
    return true;
  });
}
