/**
 * What services need from the outside world, passed in by the caller.
 *
 * @module
 */
import type { Lang } from "../i18n/mod.ts";
import type { Api } from "grammy";
import type { Clock } from "../clock.ts";
import type { Logger } from "../log.ts";
import type { Lane } from "../domain/records.ts";
import type { SlaThreshold } from "../domain/sla.ts";
import type { Pacer } from "./pacer.ts";

/** The Telegram APIs of the client and manager bots (null while not configured). */
export interface BotApis {
  client: Api | null;
  manager: Api | null;
}

/** The two bots the supervisor runs (the settings bot runs always). */
export type BotKind = "client" | "manager";

/** What an admin sees of a bot in /status. */
export interface BotStatus {
  kind: BotKind;
  state: "missing" | "starting" | "setup" | "running" | "stopped" | "error";
  username: string | null;
  id: number | null;
  lastError: string | null;
  lastUpdateAt: number | null;
}

/** What the settings bot may do with the other bots. */
export interface BotControl {
  /** Current state of both bots. */
  status(): Promise<BotStatus[]>;
  /** (Re)starts a bot with the token now in the settings. */
  restart(kind: BotKind): Promise<BotStatus>;
  /** Stops a bot until it is restarted. */
  stop(kind: BotKind): Promise<void>;
  /** The running bots' APIs (for sending). */
  apis(): BotApis;
}

/** Shared dependencies of the services. */
export interface ServiceDeps {
  kv: Deno.Kv;
  clock: Clock;
  log: Logger;
  pacer: Pacer;
  /** Admins from the environment, always allowed. */
  adminIds: readonly number[];
  /** Language of customers whose Telegram speaks neither Russian nor English (default en). */
  defaultLang?: Lang;
  /** Current bot APIs; they change when an admin switches a token. */
  apis: () => BotApis;
  /** When the outbox gives up on a job (defaults: {@linkcode OUTBOX_LIMITS}). */
  outboxLimits?: Partial<OutboxLimits>;
  /** The outbox's capacity levers (all on by default; benchmarks measure each alone). */
  outboxLevers?: Partial<OutboxLevers>;
  /**
   * The managers' notifier, read when an event happens (the outbox is made before it): how the
   * outbox's senders tell the fast lane that a client's media reached the thread.
   */
  events?: () => Notifier | undefined;
}

/** What lets the outbox carry more client messages into one group than sends it may make. */
export interface OutboxLevers {
  /** Client text messages that waited for the group's limit go out as one comment. */
  coalesce: boolean;
  /** The manager bot writes text comments and notices too, with its own budget. */
  secondWriter: boolean;
}

/** The retry ceiling of an outbox job: whichever is reached first. */
export interface OutboxLimits {
  /** Failed attempts after which the job is set aside as undeliverable. */
  maxAttempts: number;
  /** Time since the first failed attempt after which the job is set aside (ms). */
  maxAgeMs: number;
  /**
   * How long (real ms) a process's hold on a lane or post lasts unrenewed: how soon another
   * process sharing the KV takes over the work of one that died. Null: this process is the
   * only one (long polling: Telegram refuses a second poller), so no leases are taken and a
   * restarted process resumes at once.
   */
  leaseMs: number | null;
}

/**
 * Default retry ceiling: 20 failed attempts (about an hour with backoff) or 24 h; a dead
 * process's lanes are taken over after 30 s.
 */
export const OUTBOX_LIMITS: OutboxLimits = {
  maxAttempts: 20,
  maxAgeMs: 24 * 3600_000,
  leaseMs: 30_000,
};

/** Something happened that managers may want to hear about (see the manager bot). */
export type HelpdeskEvent =
  /** `seqs`: the question's messages (the fast lane carries them to an assigned manager). */
  | { type: "new_ticket"; ticket: number; seqs?: number[] }
  /** The client's messages `seqs` were recorded in the ticket (every message, not once a wait). */
  | { type: "client_wrote"; ticket: number; seqs?: number[] }
  /**
   * Client messages other than texts reached the thread: `copies` are their copies there (the
   * fast lane copies them from the group into the assigned manager's chat).
   */
  | { type: "in_thread"; ticket: number; copies: Array<{ seq: number; messageId: number }> }
  | { type: "transferred"; ticket: number; to: number; by: number }
  /** A closed ticket was opened again, by its client (`by` = their id) or by staff. */
  | { type: "reopened"; ticket: number; by: number; byClient: boolean }
  | { type: "rated"; ticket: number; score: number }
  | { type: "sla"; ticket: number; threshold: SlaThreshold }
  /**
   * The outbox gave up on a message of the ticket (see `services/outbox.ts`). `answerBy`: it
   * was the answer this manager gave in the manager bot, which could not be put in the thread
   * (`reachedClient`: a text, which went to the client by itself).
   */
  | {
    type: "undeliverable";
    ticket: number;
    lane: Lane;
    reason: string;
    answerBy?: number;
    reachedClient?: boolean;
  };

/** Receives helpdesk events; must not throw and must not block the caller for long. */
export interface Notifier {
  notify(e: HelpdeskEvent): void;
}
