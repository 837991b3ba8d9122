/**
 * The settings record: everything an admin configures in the settings bot.
 *
 * @module
 */

/** Hours per ISO weekday (1 = Monday) as [startMinute, endMinute) local intervals. */
export type WeekHours = Record<"1" | "2" | "3" | "4" | "5" | "6" | "7", Array<[number, number]>>;

/** Per-language override of a user-facing text; empty means the built-in text. */
export interface LocalText {
  ru?: string;
  en?: string;
}

/** Every setting of the service. Tokens live here and nowhere else. */
export interface Settings {
  clientBotToken: string | null;
  managerBotToken: string | null;
  /** Bot ids learned from getMe, to tell a rotation from a migration. */
  clientBotId: number | null;
  managerBotId: number | null;
  clientBotUsername: string | null;
  managerBotUsername: string | null;
  /** The managers' channel and its discussion group: desk 0, the main desk. */
  channelId: number | null;
  groupId: number | null;
  /**
   * Further desks (channel + discussion group pairs), each with the topics routed to it; a
   * topic routed nowhere goes to desk 0. Each desk multiplies the room Telegram gives (20
   * messages a minute per bot and chat).
   */
  desks: Desk[];
  /** The last desk id handed out: ids are never reused (they key the post and thread indexes). */
  deskSeq: number;
  /** Whether the service is open to clients (restored after restarts). */
  open: boolean;
  /**
   * Bots an admin stopped: they stay stopped across restarts and on every instance until an
   * admin starts them again (or gives a new token).
   */
  stoppedBots: Array<"client" | "manager">;
  timeZone: string;
  always: boolean;
  week: WeekHours;
  holidays: string[];
  reactionTargetMs: number;
  closeTargetMs: number;
  warnShare: number;
  /** Days a ticket waiting on the client stays open before it is closed automatically. */
  quietDays: number;
  /** Ratings at or below this (1–4) alert the team and the admins. */
  lowRating: number;
  topics: string[];
  /** A topic's name for clients of another language, by the topic's own name. */
  topicNames: Record<string, LocalText>;
  /** Language of the managers' side: posts, thread notices, manager bot defaults. */
  teamLang: "ru" | "en";
  texts: { greeting: LocalText; offHours: LocalText };
  reportSchedule: "off" | "daily" | "weekly" | "monthly";
  /**
   * How a new ticket gets its manager: `off` (the first reply takes it), `round_robin` among
   * available managers, `least_open` (fewest open tickets), `topic` (the topic's group).
   */
  assignMode: AssignMode;
  /** Groups of the `topic` mode: a topic's own name → ids of its managers. */
  topicGroups: Record<string, number[]>;
  /** Ready answers of a topic (its own name → text), shown to customers who pick it. */
  faq: Record<string, string>;
  /**
   * Ready answers of a topic in a language (its own name → language → text): what customers
   * whose Telegram speaks that language get instead of `faq`.
   */
  faqLocal: Record<string, Partial<LocalText>>;
  /** Targets of high and urgent tickets; a priority without its own uses the general ones. */
  priorityTargets: Partial<Record<"high" | "urgent", SlaTargets>>;
  updatedAt: number;
}

/**
 * A further desk: its own channel and linked discussion group, where the tickets of its topics
 * are posted and discussed. Its chats never change (to use other chats, an admin removes the
 * desk and adds another), so its id stands for them in the indexes.
 */
export interface Desk {
  /** 1, 2, …: desk 0 is the main pair (`Settings.channelId` / `groupId`). */
  id: number;
  channelId: number;
  groupId: number;
  /** The channel's title when it was added, to name the desk to admins and managers. */
  title: string;
  /** Topics (by their own name) whose new tickets go to this desk. */
  topics: string[];
}

/** A desk's two chats; nulls while the main desk has none (or for a desk that is gone). */
export interface DeskChats {
  desk: number;
  channelId: number | null;
  groupId: number | null;
}

/** The desk a new ticket of `topic` goes to: the first desk routed that topic, else 0. */
export function deskForTopic(s: Pick<Settings, "desks">, topic: string): number {
  return s.desks.find((d) => d.topics.includes(topic))?.id ?? 0;
}

/**
 * The chats of desk `desk` (a ticket's `desk`; absent on tickets made before desks, which
 * are on desk 0). A removed desk has none: its tickets wait until they are moved to desk 0.
 */
export function deskChats(
  s: Pick<Settings, "channelId" | "groupId"> & { desks?: readonly Desk[] },
  desk = 0,
): DeskChats {
  if (desk === 0) return { desk, channelId: s.channelId, groupId: s.groupId };
  // settings kept by the report's timeline may predate desks
  const d = (s.desks ?? []).find((x) => x.id === desk);
  return { desk, channelId: d?.channelId ?? null, groupId: d?.groupId ?? null };
}

/** The desk whose discussion group is `chatId`, or null when it is none of ours. */
export function deskOfGroup(s: Pick<Settings, "groupId" | "desks">, chatId: number): number | null {
  if (s.groupId !== null && chatId === s.groupId) return 0;
  return s.desks.find((d) => d.groupId === chatId)?.id ?? null;
}

/** The desk whose channel is `chatId`, or null when it is none of ours. */
export function deskOfChannel(
  s: Pick<Settings, "channelId" | "desks">,
  chatId: number,
): number | null {
  if (s.channelId !== null && chatId === s.channelId) return 0;
  return s.desks.find((d) => d.channelId === chatId)?.id ?? null;
}

/** Every desk's chats, desk 0 first (only a main desk that has a channel). */
export function allDesks(s: Pick<Settings, "channelId" | "groupId" | "desks">): DeskChats[] {
  const main: DeskChats[] = s.channelId === null ? [] : [deskChats(s, 0)];
  return [...main, ...s.desks.map((d) => deskChats(s, d.id))];
}

/** A reaction and a close target, in working time. */
export interface SlaTargets {
  reactionTargetMs: number;
  closeTargetMs: number;
}

/** The targets a ticket of `priority` is held to. */
export function targetsFor(
  s: Pick<Settings, "reactionTargetMs" | "closeTargetMs" | "priorityTargets">,
  priority: "normal" | "high" | "urgent",
): SlaTargets {
  const own = priority === "normal" ? undefined : s.priorityTargets?.[priority];
  return own ?? { reactionTargetMs: s.reactionTargetMs, closeTargetMs: s.closeTargetMs };
}

/** Assignment rules of new tickets (see `Settings.assignMode`). */
export type AssignMode = "off" | "round_robin" | "least_open" | "topic";

/** Every assignment rule, in menu order. */
export const ASSIGN_MODES: readonly AssignMode[] = ["off", "round_robin", "least_open", "topic"];

const workday: Array<[number, number]> = [[9 * 60, 18 * 60]];

/** Settings of a fresh install. */
export function defaultSettings(): Settings {
  return {
    clientBotToken: null,
    managerBotToken: null,
    clientBotId: null,
    managerBotId: null,
    clientBotUsername: null,
    managerBotUsername: null,
    channelId: null,
    groupId: null,
    desks: [],
    deskSeq: 0,
    open: false,
    stoppedBots: [],
    timeZone: "Europe/Moscow",
    always: false,
    week: {
      "1": workday,
      "2": workday,
      "3": workday,
      "4": workday,
      "5": workday,
      "6": [],
      "7": [],
    },
    holidays: [],
    reactionTargetMs: 15 * 60_000,
    closeTargetMs: 8 * 3_600_000,
    warnShare: 0.8,
    quietDays: 7,
    lowRating: 2,
    topics: [],
    topicNames: {},
    teamLang: "ru",
    texts: { greeting: {}, offHours: {} },
    reportSchedule: "off",
    assignMode: "off",
    topicGroups: {},
    priorityTargets: {},
    faq: {},
    faqLocal: {},
    updatedAt: 0,
  };
}

/**
 * The ready answers of `topic` for a customer of `lang`: that language's version, else the
 * topic's own; undefined when the topic has none.
 */
export function faqFor(
  s: Pick<Settings, "faq" | "faqLocal">,
  topic: string,
  lang: keyof LocalText,
): string | undefined {
  return s.faqLocal?.[topic]?.[lang] || s.faq[topic];
}

/**
 * A short fingerprint of a topic's name (FNV-1a, base 36) that a button carries beside the
 * topic's place in the list: a button drawn before the list changed still names its topic.
 */
export function topicMark(topic: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < topic.length; i++) {
    h ^= topic.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

/**
 * The topic a button drawn as (`index`, `mark`) names in `topics` now: at its place while it is
 * still there, else wherever it moved; undefined once it is gone (renamed or removed). A button
 * without a mark (drawn before buttons had one) names the topic at its place.
 */
export function topicOfButton(
  topics: readonly string[],
  index: number,
  mark: string | undefined,
): string | undefined {
  const at = topics[index];
  if (mark === undefined) return at;
  if (at !== undefined && topicMark(at) === mark) return at;
  const moved = topics.filter((x) => topicMark(x) === mark);
  return moved.length === 1 ? moved[0] : undefined;
}

/** A topic as a client of `lang` sees it: its name in that language when an admin gave one. */
export function topicLabel(
  s: Pick<Settings, "topicNames">,
  topic: string,
  lang: keyof LocalText,
): string {
  return s.topicNames[topic]?.[lang] || topic;
}
