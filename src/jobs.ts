/**
 * The periodic jobs the service runs once a minute (from Deno.cron): each is idempotent and
 * safe when two runs overlap or one is missed.
 *
 * @module
 */
import type { BotDeps } from "./bots/context.ts";
import { closeQuietTickets } from "./services/desk/quiet.ts";
import { runSlaChecks } from "./services/sla.ts";

/** A periodic job. */
export type CronJob = (deps: BotDeps) => Promise<void>;

/** The jobs of a normal installation. */
export function defaultCronJobs(): CronJob[] {
  return [
    async (deps) => void await runSlaChecks(deps),
    async (deps) => void await closeQuietTickets(deps, deps.clock.now()),
  ];
}
