/**
 * What users send and see through the emulator's control surface: the content a user can send,
 * what it becomes in a message record, and a message as a human sees it.
 *
 * @module
 */
import type { Entity } from "./entities.ts";
import { withAutoEntities } from "./entities.ts";
import { LIMITS } from "./rules.ts";
import type { ChatRec, FileKind, FileRec, MsgKind, MsgRec, UserRec, World } from "./world.ts";

/** Content a user can send. Sizes are bytes; files are synthetic. */
export type UserContent =
  | { text: string; entities?: Entity[] }
  | (
    & { caption?: string }
    & (
      | { photo: { sizeBytes?: number; width?: number; height?: number; fileUniqueId?: string } }
      | { video: FileSpec }
      | { animation: FileSpec }
      | { audio: FileSpec & { performer?: string; title?: string } }
      | { voice: FileSpec }
      | { video_note: FileSpec }
      | { document: FileSpec }
    )
  )
  | { sticker: { emoji?: string; fileUniqueId?: string } }
  | { location: { latitude: number; longitude: number } }
  | { contact: { phone_number: string; first_name: string; last_name?: string; user_id?: number } }
  | { poll: { question: string; options: string[] } }
  /** paid media (a channel post or a user's message); bots see only its preview */
  | { paid_media: { star_count: number; width?: number; height?: number; caption?: string } }
  /** a giveaway post, sent (or forwarded) from a channel */
  | { giveaway: { winner_count: number; winners_selection_date?: number } }
  | {
    invoice: { title: string; description: string; currency: string; total_amount: number };
  }
  /** a forwarded story of a chat (default: the user's own) */
  | { story: { chatId?: number; id?: number } };

/** A synthetic file a user sends (or fileUniqueId to re-send a known one). */
export interface FileSpec {
  sizeBytes?: number;
  fileName?: string;
  mimeType?: string;
  duration?: number;
  width?: number;
  height?: number;
  fileUniqueId?: string;
}

/** A message as a human sees it. */
export interface ViewMessage {
  id: number;
  date: number;
  sender: { type: "user" | "bot" | "chat"; id: number; name: string; username?: string };
  /** sent by the viewing user */
  outgoing: boolean;
  kind: MsgKind;
  text?: string;
  caption?: string;
  entities?: Entity[];
  fileUniqueId?: string;
  fileName?: string;
  fileSize?: number;
  replyTo?: number;
  threadId?: number;
  mediaGroupId?: string;
  replyMarkup?: unknown;
  edited: boolean;
  isAutomaticForward?: boolean;
  forwardOrigin?: Record<string, unknown>;
  /** location / contact / poll payload */
  extra?: Record<string, unknown>;
}

const KINDS: FileKind[] = [
  "photo",
  "video",
  "animation",
  "audio",
  "voice",
  "video_note",
  "document",
  "sticker",
];

/**
 * What a user's content becomes in a message record: text and entities, a synthetic file
 * (or a known one again), or the payload of a location, contact, poll and the like.
 */
export function userContent(
  w: World,
  c: UserContent,
  chat?: ChatRec,
  userId?: number,
): Partial<MsgRec> {
  // Bot API PaidMediaInfo: a bot that has not bought the media sees a PaidMediaPreview.
  if ("paid_media" in c) {
    const p = c.paid_media;
    const body: Partial<MsgRec> = {
      kind: "paid_media",
      extra: {
        paid_media: {
          star_count: p.star_count,
          paid_media: [{ type: "preview", width: p.width ?? 1280, height: p.height ?? 960 }],
        },
      },
    };
    if (p.caption) {
      body.caption = p.caption;
      body.captionEntities = withAutoEntities(p.caption, []);
    }
    return body;
  }
  if ("giveaway" in c) {
    const g = c.giveaway;
    const chats = chat && chat.type !== "private" ? [w.chatJson(chat)] : [];
    return {
      kind: "giveaway",
      extra: {
        giveaway: {
          chats,
          winners_selection_date: g.winners_selection_date ?? w.now() + 86400,
          winner_count: g.winner_count,
        },
      },
    };
  }
  if ("invoice" in c) {
    return { kind: "invoice", extra: { invoice: { ...c.invoice, start_parameter: "" } } };
  }
  if ("story" in c) {
    const of = c.story.chatId !== undefined ? w.chats.get(c.story.chatId) : undefined;
    const u = userId !== undefined ? w.users.get(userId) : undefined;
    const storyChat = of
      ? w.chatJson(of)
      : { id: userId, type: "private", first_name: u?.firstName ?? "" };
    return { kind: "story", extra: { story: { chat: storyChat, id: c.story.id ?? 1 } } };
  }
  if ("text" in c) {
    if (c.text.length === 0 || c.text.length > LIMITS.textMax) {
      throw new Error("text must be 1-4096 characters");
    }
    return { kind: "text", text: c.text, entities: withAutoEntities(c.text, c.entities ?? []) };
  }
  if ("location" in c) return { kind: "location", extra: { location: c.location } };
  if ("contact" in c) return { kind: "contact", extra: { contact: c.contact } };
  if ("poll" in c) {
    return {
      kind: "poll",
      extra: {
        poll: {
          id: String(Math.floor(Math.random() * 1e15)),
          question: c.poll.question,
          options: c.poll.options.map((t, i) => ({
            persistent_id: String(i),
            text: t,
            voter_count: 0,
          })),
          total_voter_count: 0,
          is_closed: false,
          is_anonymous: true,
          type: "regular",
          allows_multiple_answers: false,
          allows_revoting: true,
          members_only: false,
        },
      },
    };
  }
  const rec = c as Record<string, unknown>;
  const kind = KINDS.find((k) => k in rec);
  if (!kind) throw new Error("unknown content");
  const spec = (rec[kind] ?? {}) as FileSpec & {
    emoji?: string;
    performer?: string;
    title?: string;
  };
  let file: FileRec | undefined;
  if (spec.fileUniqueId) {
    file = w.files.get(spec.fileUniqueId);
    if (!file || file.kind !== kind) throw new Error(`no ${kind} file ${spec.fileUniqueId}`);
    if (file.sizes) file = file.sizes[file.sizes.length - 1];
  } else if (kind === "photo") {
    file = w.addPhoto(spec.sizeBytes ?? 150_000, undefined, spec.width, spec.height);
  } else {
    const { sizeBytes, fileUniqueId: _u, ...meta } = spec;
    file = w.addFile(kind, { size: sizeBytes ?? 100_000, ...meta });
  }
  const body: Partial<MsgRec> = { kind, file };
  const cap = rec.caption;
  if (typeof cap === "string" && cap.length > 0) {
    if (cap.length > LIMITS.captionMax) throw new Error("caption must be 0-1024 characters");
    body.caption = cap;
    body.captionEntities = withAutoEntities(cap, []);
  }
  return body;
}

/** A message as the user `viewerId` sees it (0: nobody in particular). */
export function viewOf(w: World, m: MsgRec, viewerId: number): ViewMessage {
  let sender: ViewMessage["sender"];
  const sc = m.senderChatId !== undefined ? w.chats.get(m.senderChatId) : undefined;
  if (sc) sender = { type: "chat", id: sc.id, name: sc.title ?? "", username: sc.username };
  else {
    const a = w.actor(m.authorId);
    sender = a?.kind === "bot"
      ? { type: "bot", id: a.id, name: a.firstName, username: a.username }
      : {
        type: "user",
        id: m.authorId,
        name: a ? [a.firstName, (a as UserRec).lastName].filter(Boolean).join(" ") : "",
        username: a?.username,
      };
  }
  const v: ViewMessage = {
    id: m.id,
    date: m.date,
    sender,
    outgoing: m.authorId === viewerId,
    kind: m.kind,
    edited: m.editDate !== undefined,
  };
  if (m.text !== undefined) v.text = m.text;
  if (m.caption !== undefined) v.caption = m.caption;
  if (m.entities?.length) v.entities = m.entities;
  if (m.file) {
    v.fileUniqueId = m.file.uid;
    v.fileSize = m.file.size;
    if (m.file.fileName) v.fileName = m.file.fileName;
  }
  if (m.replyToId !== undefined) v.replyTo = m.replyToId;
  if (m.threadId !== undefined) v.threadId = m.threadId;
  if (m.mediaGroupId) v.mediaGroupId = m.mediaGroupId;
  if (m.replyMarkup) v.replyMarkup = m.replyMarkup;
  if (m.isAutomaticForward) v.isAutomaticForward = true;
  if (m.forwardOrigin) v.forwardOrigin = m.forwardOrigin;
  if (m.extra) v.extra = m.extra;
  return v;
}
