/**
 * What a Telegram message holds, in the shape of a history record, and how to put a ticket
 * number in front of its text or caption.
 *
 * @module
 */
import type { Message, MessageEntity } from "grammy/types";
import type { MessageKind, MessageRecord } from "../domain/records.ts";

/** The part of a {@linkcode MessageRecord} read off a Telegram message. */
export type Content = Pick<
  MessageRecord,
  | "kind"
  | "text"
  | "entities"
  | "mediaGroupId"
  | "fileId"
  | "fileUniqueId"
  | "fileName"
  | "location"
>;

/** Reads kind, text or caption, entities and the (receiving bot's) file of a message. */
export function contentOf(m: Message): Content {
  const base: Content = { kind: "other" };
  const text = m.text ?? m.caption;
  if (text !== undefined) base.text = text;
  const entities = m.entities ?? m.caption_entities;
  if (entities?.length) base.entities = entities;
  if (m.media_group_id) base.mediaGroupId = m.media_group_id;
  const file = (
    kind: MessageKind,
    f: { file_id: string; file_unique_id: string; file_name?: string },
  ): Content => ({
    ...base,
    kind,
    fileId: f.file_id,
    fileUniqueId: f.file_unique_id,
    ...(f.file_name ? { fileName: f.file_name } : {}),
  });
  if (m.text !== undefined) return { ...base, kind: "text" };
  if (m.photo?.length) return file("photo", m.photo[m.photo.length - 1]!);
  if (m.video) return file("video", m.video);
  if (m.animation) return file("animation", m.animation);
  if (m.audio) return file("audio", m.audio);
  if (m.voice) return file("voice", m.voice);
  if (m.video_note) return file("video_note", m.video_note);
  if (m.document) return file("document", m.document);
  if (m.sticker) return file("sticker", m.sticker);
  if (m.venue) return { ...base, kind: "venue", text: m.venue.title };
  if (m.location) {
    const { latitude, longitude, live_period } = m.location;
    return {
      ...base,
      kind: "location",
      text: `${latitude},${longitude}`,
      location: { latitude, longitude, ...(live_period ? { livePeriod: live_period } : {}) },
    };
  }
  if (m.contact) {
    return { ...base, kind: "contact", text: `${m.contact.first_name} ${m.contact.phone_number}` };
  }
  if (m.poll) return { ...base, kind: "poll", text: m.poll.question };
  if (m.dice) return { ...base, kind: "dice", text: `${m.dice.emoji} ${m.dice.value}` };
  return base;
}

/** Kinds whose copy may carry a caption (so the ticket number can go there). */
const CAPTIONED: ReadonlySet<MessageKind> = new Set([
  "photo",
  "video",
  "animation",
  "audio",
  "voice",
  "document",
]);

/** Longest text and caption Telegram accepts. */
export const TEXT_LIMIT = 4096;
/** Longest caption Telegram accepts. */
export const CAPTION_LIMIT = 1024;

/**
 * The text or caption with `prefix` in front and entities shifted accordingly, or null when
 * the kind has no caption or the result would be too long (then the copy is sent as a reply
 * to the ticket's header message instead).
 */
export function withPrefix(
  kind: MessageKind,
  text: string | undefined,
  entities: unknown[] | undefined,
  prefix: string,
): { text: string; entities: MessageEntity[] } | null {
  if (kind !== "text" && !CAPTIONED.has(kind)) return null;
  const full = text ? `${prefix}\n${text}` : prefix;
  if (full.length > (kind === "text" ? TEXT_LIMIT : CAPTION_LIMIT)) return null;
  const shift = text ? prefix.length + 1 : 0;
  const shifted = ((entities ?? []) as MessageEntity[]).map((e) => ({
    ...e,
    offset: e.offset + shift,
  }));
  return { text: full, entities: shifted };
}
