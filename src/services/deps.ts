/**
 * What services need from the outside world, passed in by the caller.
 *
 * @module
 */
import type { Api } from "grammy";
import type { Clock } from "../clock.ts";
import type { Logger } from "../log.ts";
import type { SlaThreshold } from "../domain/sla.ts";
import type { Pacer } from "./pacer.ts";

/** The Telegram APIs of the client and manager bots (null while not configured). */
export interface BotApis {
  client: Api | null;
  manager: Api | null;
}

/** Shared dependencies of the services. */
export interface ServiceDeps {
  kv: Deno.Kv;
  clock: Clock;
  log: Logger;
  pacer: Pacer;
  /** Admins from the environment, always allowed. */
  adminIds: readonly number[];
  /** Current bot APIs; they change when an admin switches a token. */
  apis: () => BotApis;
}

/** Something happened that managers may want to hear about (see the manager bot). */
export type HelpdeskEvent =
  | { type: "new_ticket"; ticket: number }
  | { type: "client_wrote"; ticket: number }
  | { type: "transferred"; ticket: number; to: number; by: number }
  | { type: "rated"; ticket: number; score: number }
  | { type: "sla"; ticket: number; threshold: SlaThreshold };

/** Receives helpdesk events; must not throw and must not block the caller for long. */
export interface Notifier {
  notify(e: HelpdeskEvent): void;
}
