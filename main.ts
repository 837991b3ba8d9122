/**
 * Entry point: reads the config once, opens KV, wires the service and stops cleanly on
 * SIGINT/SIGTERM. The periodic job is registered at module top level, as Deno Deploy
 * requires; it does nothing until the service has started.
 *
 * @module
 */
import { type App, startApp } from "./src/app.ts";
import { loadConfig } from "./src/config.ts";
import { ConfigError } from "./src/errors.ts";
import { createLogger } from "./src/log.ts";
import { defaultCronJobs } from "./src/jobs.ts";

let app: App | null = null;

// Retries of the outbox, SLA checks, quiet tickets and scheduled reports: once a minute
// (cron's finest grain). Every job is idempotent, so overlapping or missed runs are harmless.
Deno.cron("helpdesk-minute", "* * * * *", async () => {
  await app?.cronTick();
});

if (import.meta.main) {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      Deno.exit(2);
    }
    throw e;
  }
  const log = createLogger(config.logLevel);
  // A promise nobody awaited must never end the service: log it (the logger redacts tokens)
  // and keep running; the durable outbox and inbox retry what it was doing.
  globalThis.addEventListener("unhandledrejection", (e) => {
    e.preventDefault();
    log.error("unhandled rejection", { err: e.reason });
  });
  globalThis.addEventListener("error", (e) => {
    e.preventDefault();
    log.error("uncaught error", { err: e.error });
  });
  app = await startApp(config, { log, cronJobs: defaultCronJobs() });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    log.info("stopping");
    await app?.stop();
    Deno.exit(0);
  };
  try {
    Deno.addSignalListener("SIGINT", stop);
    Deno.addSignalListener("SIGTERM", stop);
  } catch {
    // serverless platforms (Deno Deploy) have no signals: instances just end
  }
}
