/**
 * The dependencies every helpdesk service works with.
 *
 * @module
 */
import type { Notifier, ServiceDeps } from "./deps.ts";
import type { Outbox } from "./outbox.ts";

/** Services plus the outbox that delivers what they record. */
export interface Helpdesk extends ServiceDeps {
  outbox: Outbox;
  /** Told of new tickets, client messages, transfers, ratings and SLA alerts. */
  notifier?: Notifier;
}
