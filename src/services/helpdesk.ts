/**
 * The dependencies every helpdesk service works with.
 *
 * The one way dependencies are passed: one record per layer, each extending the one below and
 * adding only what exists at that point of the wiring — `ServiceDeps` (what the outbox is made
 * from), `Helpdesk` (with the outbox), `BotDeps` (what the bots add), and `SetupDeps` /
 * `SettingsBotDeps` (control of the other bots, which exists once the supervisor is made). The
 * records are built once, in `app.ts`; a function that needs less takes a `Pick<>` of its
 * layer's record.
 *
 * @module
 */
import type { Notifier, ServiceDeps } from "./deps.ts";
import type { Outbox } from "./outbox.ts";

/** Services plus the outbox that delivers what they record. */
export interface Helpdesk extends ServiceDeps {
  outbox: Outbox;
  /** Bot API server (the emulator in tests): the bots' and the setup's calls with a token. */
  apiRoot: string;
  /** Told of new tickets, client messages, transfers, ratings and SLA alerts. */
  notifier?: Notifier;
}
