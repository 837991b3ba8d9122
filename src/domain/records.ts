/**
 * Shapes of the stored records other than tickets: people, messages and outgoing jobs.
 *
 * @module
 */
import type { Lang } from "./lang.ts";
import type { WeekHours } from "./working_time.ts";

/** A customer who wrote to the client bot. */
export interface Client {
  id: number;
  firstName: string;
  lastName?: string;
  username?: string;
  lang: Lang;
  createdAt: number;
  /** The ticket the client's messages go to. */
  currentTicket: number | null;
  /** Blocked by the managers: nothing is relayed. */
  blocked: { at: number; by: number; reason?: string } | null;
  /** The client blocked the bot (403): nothing can be sent until they unblock. */
  unreachable: boolean;
}

/** A member of the support team. */
export interface Manager {
  id: number;
  name: string;
  username?: string;
  lang: Lang;
  addedAt: number;
  addedBy: number;
  active: boolean;
  /** Notifications switched off by the manager, by kind. */
  mute: string[];
  /** Marked away in the manager bot: gets no new tickets; SLA warnings go to the others. */
  away?: boolean;
  /**
   * The manager's own working hours (a shift), in the team's time zone and holidays; absent:
   * the team's working hours. Outside them they count as away (see domain/shifts.ts).
   */
  hours?: { always: boolean; week: WeekHours };
}

/** What kind of Telegram message a record holds. */
export type MessageKind =
  | "text"
  | "photo"
  | "video"
  | "animation"
  | "audio"
  | "voice"
  | "video_note"
  | "document"
  | "sticker"
  | "location"
  | "venue"
  | "contact"
  | "poll"
  | "dice"
  | "other";

/**
 * Where a message goes: `in` client → managers, `out` manager → client, `note` internal
 * note of a manager (never sent), `system` a notice of the service.
 */
export type Direction = "in" | "out" | "note" | "system";

/** A Telegram message address. */
export interface MsgAddr {
  chatId: number;
  messageId: number;
}

/** One message of a ticket's history. */
export interface MessageRecord {
  ticket: number;
  seq: number;
  at: number;
  direction: Direction;
  senderId: number;
  kind: MessageKind;
  /** Text or caption, when short enough to live in the record. */
  text?: string;
  /** Number of parts the text was split into when too long for one value. */
  textParts?: number;
  /** Telegram entities of the text/caption, kept to re-send with formatting. */
  entities?: unknown[];
  mediaGroupId?: string;
  /** The relaying bot's own file_id (only the client bot's ids are ever stored). */
  fileId?: string;
  fileUniqueId?: string;
  fileName?: string;
  /** A location's position; livePeriod (s) for a live one, stopped once sharing ended. */
  location?: { latitude: number; longitude: number; livePeriod?: number; stopped?: boolean };
  /** Real ms (Date.now) of the last relayed move of a live location (the throttle's mark). */
  liveRelayedAt?: number;
  /** The message as it was received. */
  source: MsgAddr;
  /** The copy delivered to the other side, once sent. */
  copy?: MsgAddr;
  /**
   * The seqs of every message sharing `copy`, in order, when several pending text messages
   * were coalesced into one comment (absent: the copy is this message's alone).
   */
  merged?: number[];
  /** The bot that wrote `copy`, when not the client bot (the second writer, text only). */
  copyBot?: "manager";
  /**
   * `desk`: a manager's answer written in the manager bot (a reply to a fast-lane
   * notification), so `source` is in the manager bot's private chat, which the client bot
   * cannot read: it is written into the thread first ({@linkcode thread}) and, for media,
   * the client bot copies it from there.
   */
  via?: "desk";
  /** Where an answer written in the manager bot stands in the ticket's thread, once written. */
  thread?: MsgAddr;
  /** Record seq this message replies to, if it was a reply inside the ticket. */
  replyToSeq?: number;
  editedAt?: number;
  deletedAt?: number;
  /** Delivery state of the copy. */
  delivery: "pending" | "sent" | "failed" | "none";
  failure?: string;
}

/** Which way an outgoing job goes; each lane of a ticket keeps its own order. */
export type Lane = "group" | "client";

/** An outgoing Telegram call waiting in the durable outbox. */
export interface OutboxJob {
  ticket: number;
  lane: Lane;
  seq: number;
  createdAt: number;
  /** Failed attempts so far (kept with the job, so a restart does not reset the ceiling). */
  attempts: number;
  notBefore: number;
  /** When the first attempt failed; absent while none has. */
  firstFailedAt?: number;
  /** Why the last attempt failed (redacted). */
  lastReason?: string;
  /** Reasons already logged for this job: each is logged once, not once per attempt. */
  loggedReasons?: string[];
  /** What to do. */
  action:
    | { type: "copy"; msgSeq: number }
    | { type: "album"; msgSeqs: number[] }
    | {
      type: "notice";
      key: string;
      params: Record<string, string | number>;
      /** Buttons under the notice: rating stars, or reopen/new choice. */
      buttons?: "rate";
      /** The work period the stars rate (absent on jobs written before: the last closed). */
      cycle?: number;
    }
    | { type: "header" }
    /** A manager's answer from the manager bot written into the thread (see `via`). */
    | { type: "mirror"; msgSeq: number }
    | { type: "edit"; msgSeq: number; media?: boolean }
    | { type: "delete"; msgSeq: number };
}
