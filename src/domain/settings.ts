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
  /** The managers' channel and its discussion group. */
  channelId: number | null;
  groupId: number | null;
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
  /** Targets of high and urgent tickets; a priority without its own uses the general ones. */
  priorityTargets: Partial<Record<"high" | "urgent", SlaTargets>>;
  updatedAt: number;
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
    updatedAt: 0,
  };
}

/** A topic as a client of `lang` sees it: its name in that language when an admin gave one. */
export function topicLabel(
  s: Pick<Settings, "topicNames">,
  topic: string,
  lang: keyof LocalText,
): string {
  return s.topicNames[topic]?.[lang] || topic;
}
