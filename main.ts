/**
 * Entry point: reads the config once, opens KV, wires the service and stops cleanly on
 * SIGINT/SIGTERM. The periodic job is registered at module top level, as Deno Deploy
 * requires; it does nothing until the service has started.
 *
 * @module
 */
import { type App, openKv, startApp } from "./src/app.ts";
import { loadConfig } from "./src/config.ts";
import { ConfigError } from "./src/errors.ts";
import { createLogger } from "./src/log.ts";
import { defaultCronJobs } from "./src/jobs.ts";
import { checkBotToken, startedMessage, TokenRejectedError } from "./src/startup.ts";
import { issueClaim } from "./src/storage/claim.ts";
import { getSettings } from "./src/storage/settings.ts";

let app: App | null = null;

/** Real time the service takes at most to stop (a container's usual grace is 10 s). */
const STOP_GRACE_MS = 8_000;

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
  // SIGUSR2 runs the minute job now (rehearsals run it on several instances at once); only the
  // process's owner can send it, and the job is idempotent like every cron run. Registered
  // first, so that an early signal never ends the process. (Not SIGUSR1: Deno opens its
  // inspector on that one, as Node does.)
  let cronAsked = false;
  const cronBySignal = (a: App) => {
    log.info("minute job started by SIGUSR2");
    void a.cronTick().catch((e) => log.error("cron run failed", { err: e }));
  };
  try {
    // asked while starting: run once started
    Deno.addSignalListener("SIGUSR2", () => app ? cronBySignal(app) : void (cronAsked = true));
  } catch {
    // no signals on serverless platforms: Deno.cron runs the job there
  }
  // local trouble first: a KV_PATH that cannot be a database is one sentence, before Telegram
  let kv: Deno.Kv;
  try {
    kv = await openKv(config.kvPath);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      Deno.exit(2);
    }
    throw e;
  }
  // then a token Telegram rejects, or no Telegram at all, is said plainly
  const waiting = new AbortController();
  const giveUp = () => {
    waiting.abort();
    Deno.exit(0);
  };
  let settingsBot;
  try {
    Deno.addSignalListener("SIGINT", giveUp);
    Deno.addSignalListener("SIGTERM", giveUp);
  } catch {
    // no signals on serverless platforms
  }
  try {
    settingsBot = await checkBotToken(config.apiRoot, config.settingsBotToken, {
      variable: "SETTINGS_BOT_TOKEN",
      say: (line) => console.error(line),
      signal: waiting.signal,
    });
  } catch (e) {
    if (e instanceof TokenRejectedError) {
      console.error(e.message);
      Deno.exit(1);
    }
    throw e;
  } finally {
    try {
      Deno.removeSignalListener("SIGINT", giveUp);
      Deno.removeSignalListener("SIGTERM", giveUp);
    } catch {
      // as above
    }
  }
  try {
    app = await startApp(config, { log, cronJobs: defaultCronJobs(), kv });
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      Deno.exit(2);
    }
    throw e;
  }
  if (cronAsked) cronBySignal(app);
  // with no admin at all, whoever opens the printed one-time link becomes the first one
  const claim = await issueClaim(app.kv, config.adminIds, Date.now());
  console.log(
    startedMessage(settingsBot.username, await openClientBot(app, config.apiRoot), claim),
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    log.info("stopping");
    // a container gets ~10 s after SIGTERM before SIGKILL; work still in hand by then (a send
    // waiting for its rate-limit slot) is durable in KV and resumed at the next start
    const done = await Promise.race([
      app!.stop().then(() => (kv.close(), true), (e) => {
        log.error("stop failed", { err: e });
        return true;
      }),
      new Promise<false>((r) => setTimeout(() => r(false), STOP_GRACE_MS)),
    ]);
    if (!done) log.warn("stopped with work in hand; it resumes at the next start");
    Deno.exit(0);
  };
  try {
    Deno.addSignalListener("SIGINT", stop);
    Deno.addSignalListener("SIGTERM", stop);
  } catch {
    // serverless platforms (Deno Deploy) have no signals: instances just end
  }
}

/** The client bot's username when the helpdesk is open to customers, else null. */
async function openClientBot(app: App, apiRoot: string): Promise<string | null> {
  try {
    const settings = await getSettings(app.kv);
    if (!settings.open || !settings.clientBotToken) return null;
    const res = await fetch(`${apiRoot}/bot${settings.clientBotToken}/getMe`, {
      signal: AbortSignal.timeout(5_000),
    });
    const body = await res.json() as { result?: { username?: string } };
    return body.result?.username ?? null;
  } catch {
    return null;
  }
}
