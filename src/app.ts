/**
 * Wires the whole service from a validated config: KV, bootstrap settings, the bots and
 * the background workers. `main.ts` calls it; tests and the demo call it too.
 *
 * @module
 */
import { type Clock, systemClock } from "./clock.ts";
import type { Config } from "./config.ts";
import type { Logger } from "./log.ts";
import { applyBootstrap } from "./storage/settings.ts";

/** A running service. */
export interface App {
  kv: Deno.Kv;
  /** Finishes work in hand, stops the bots and closes KV. */
  stop(): Promise<void>;
}

/** Dependencies that tests replace. */
export interface AppDeps {
  log: Logger;
  clock?: Clock;
  /** An already open KV (tests); otherwise `config.kvPath` is opened. */
  kv?: Deno.Kv;
}

async function openKv(path: string): Promise<Deno.Kv> {
  if (path !== ":memory:" && !/^https?:\/\//.test(path)) {
    const dir = path.replace(/[^/]*$/, "");
    if (dir) await Deno.mkdir(dir, { recursive: true });
  }
  return await Deno.openKv(path);
}

/** Starts the service described by `config`. */
export async function startApp(config: Config, deps: AppDeps): Promise<App> {
  const clock = deps.clock ?? systemClock;
  const kv = deps.kv ?? await openKv(config.kvPath);
  const channel = config.bootstrap.managersChannel;
  await applyBootstrap(kv, {
    ...(config.bootstrap.clientBotToken ? { clientBotToken: config.bootstrap.clientBotToken } : {}),
    ...(config.bootstrap.managerBotToken
      ? { managerBotToken: config.bootstrap.managerBotToken }
      : {}),
    ...(channel && /^-?\d+$/.test(channel) ? { channelId: Number(channel) } : {}),
  }, clock.now());
  deps.log.info("service started", { mode: config.mode });
  return {
    kv,
    stop() {
      if (!deps.kv) kv.close();
      return Promise.resolve();
    },
  };
}
