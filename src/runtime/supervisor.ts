/**
 * Runs the client and manager bots inside the service: starts them from the tokens in the
 * settings, restarts one when its token changes, stops one on command, and reports state.
 *
 * @module
 */
import { type Bot, GrammyError } from "grammy";
import type { Logger } from "../log.ts";
import type { BotApis, BotControl, BotKind, BotStatus } from "../services/deps.ts";
import { getBotState, type SetAsideUpdate, type StorageTrouble } from "../storage/intake.ts";
import { getSettings } from "../storage/settings.ts";
import type { Clock } from "../clock.ts";
import { DurablePoller } from "./poller.ts";

/** How the supervisor receives updates for a bot. */
export interface UpdateSource {
  /** Starts delivering updates to `bot` (already initialised). */
  start(kind: BotKind, bot: Bot): Promise<void>;
  /** Stops delivering and waits for updates in hand. */
  stop(kind: BotKind): Promise<void>;
}

/** Polling as an {@linkcode UpdateSource}. */
export class PollingSource implements UpdateSource {
  readonly #pollers = new Map<BotKind, DurablePoller>();
  constructor(
    readonly deps: {
      kv: Deno.Kv;
      log: Logger;
      clock: Clock;
      timeoutSec?: number;
      /** See {@linkcode DurablePoller}'s `keepAfterMs`. */
      keepAfterMs?: number;
      onSetAside?: (r: SetAsideUpdate) => void;
      onStorage?: (e: StorageTrouble) => void;
      /** Attempts of a failing update and the first pause between them. */
      retry?: { attempts: number; baseMs: number };
    },
  ) {}
  async start(kind: BotKind, bot: Bot): Promise<void> {
    await this.stop(kind);
    const p = new DurablePoller({ bot, name: kind, ...this.deps });
    this.#pollers.set(kind, p);
    p.start();
    await p.polling;
  }
  /** Resolves once every running poller handled the leftovers of its inbox. */
  async caughtUp(): Promise<void> {
    await Promise.all([...this.#pollers.values()].map((p) => p.caughtUp));
  }
  async stop(kind: BotKind): Promise<void> {
    const p = this.#pollers.get(kind);
    this.#pollers.delete(kind);
    await p?.stop();
  }
}

/** The reason a bot an admin stopped gives. */
const STOPPED = "stopped by an admin";

interface Running {
  bot: Bot;
  token: string;
  state: BotStatus["state"];
  lastError: string | null;
}

/** Supervises the client and manager bots. */
export class Supervisor implements BotControl {
  readonly #running = new Map<BotKind, Running>();
  readonly #errors = new Map<BotKind, string>();
  /** The token each bot was last started with (or tried), null for none. */
  readonly #tried = new Map<BotKind, string | null>();
  #syncing: Promise<void> | null = null;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly deps: {
      kv: Deno.Kv;
      log: Logger;
      makeBot: (kind: BotKind, token: string) => Bot;
      /** Runs once a bot receives updates (its command menus); must not throw. */
      onStarted?: (kind: BotKind, bot: Bot) => Promise<void>;
      source: UpdateSource;
    },
  ) {}

  /** The running bot of a kind, if any (recovered albums are handed on through it). */
  bot(kind: BotKind): Bot | null {
    return this.#running.get(kind)?.bot ?? null;
  }

  apis(): BotApis {
    return {
      client: this.#running.get("client")?.bot.api ?? null,
      manager: this.#running.get("manager")?.bot.api ?? null,
    };
  }

  /** Starts every bot that has a token; a bad token is reported, the others keep running. */
  async startAll(): Promise<void> {
    await Promise.all((["client", "manager"] as const).map((k) => this.restart(k)));
  }

  /** Serializes lifecycle changes so two commands never race. */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn);
    this.#queue = run.catch(() => {});
    return run;
  }

  restart(kind: BotKind): Promise<BotStatus> {
    return this.#serial(async () => {
      await this.#stopNow(kind);
      const settings = await getSettings(this.deps.kv);
      // an admin's stop holds across restarts (lifted by starting the bot from the settings)
      if (settings.stoppedBots.includes(kind)) {
        this.#errors.set(kind, STOPPED);
        return await this.#statusOf(kind);
      }
      const token = kind === "client" ? settings.clientBotToken : settings.managerBotToken;
      this.#tried.set(kind, token);
      if (!token) return await this.#statusOf(kind);
      const bot = this.deps.makeBot(kind, token);
      try {
        await bot.init();
      } catch (e) {
        const why = e instanceof GrammyError && e.error_code === 401
          ? "token rejected by Telegram (wrong or revoked)"
          : e instanceof Error
          ? e.message
          : String(e);
        this.#errors.set(kind, why);
        this.deps.log.error("bot did not start", { bot: kind, reason: why });
        return await this.#statusOf(kind);
      }
      this.#errors.delete(kind);
      const running: Running = { bot, token, state: "starting", lastError: null };
      this.#running.set(kind, running);
      await this.deps.source.start(kind, bot);
      running.state = "running";
      this.deps.log.info("bot started", { bot: kind, username: bot.botInfo.username });
      await this.deps.onStarted?.(kind, bot);
      return await this.#statusOf(kind);
    });
  }

  /**
   * Brings the bots in line with the settings another instance sharing the KV (Deno Deploy)
   * may have changed: a bot an admin stopped there is stopped here, one started there again
   * is started here, and one whose token is not the one it was started with is restarted.
   * Cheap when nothing changed (the settings are cached).
   */
  sync(): Promise<void> {
    this.#syncing ??= (async () => {
      try {
        const settings = await getSettings(this.deps.kv);
        for (const kind of ["client", "manager"] as const) {
          const token = kind === "client" ? settings.clientBotToken : settings.managerBotToken;
          const stoppedThere = settings.stoppedBots.includes(kind);
          const stoppedHere = this.#errors.get(kind) === STOPPED;
          if (stoppedThere && !stoppedHere) {
            this.deps.log.info("bot stopped elsewhere: stopping it here", { bot: kind });
            await this.stop(kind);
          } else if (!stoppedThere && stoppedHere) {
            this.deps.log.info("bot started elsewhere: starting it here", { bot: kind });
            await this.restart(kind);
          } else if (!stoppedThere && this.#tried.has(kind) && this.#tried.get(kind) !== token) {
            this.deps.log.info("bot token changed elsewhere: restarting the bot", { bot: kind });
            await this.restart(kind);
          }
        }
      } finally {
        this.#syncing = null;
      }
    })();
    return this.#syncing;
  }

  stop(kind: BotKind): Promise<void> {
    return this.#serial(async () => {
      await this.#stopNow(kind);
      this.#errors.set(kind, STOPPED);
    });
  }

  async #stopNow(kind: BotKind): Promise<void> {
    if (!this.#running.has(kind)) return;
    this.#running.delete(kind);
    await this.deps.source.stop(kind);
  }

  /** Stops both bots (service shutdown). */
  async stopAll(): Promise<void> {
    await this.#serial(async () => {
      await Promise.all((["client", "manager"] as const).map((k) => this.#stopNow(k)));
    });
  }

  async #statusOf(kind: BotKind): Promise<BotStatus> {
    const r = this.#running.get(kind);
    const settings = await getSettings(this.deps.kv);
    const persisted = await getBotState(this.deps.kv, kind);
    const token = kind === "client" ? settings.clientBotToken : settings.managerBotToken;
    const err = this.#errors.get(kind) ?? null;
    const state: BotStatus["state"] = r
      ? (r.state === "running" && !settings.open ? "setup" : r.state)
      : !token
      ? "missing"
      : err === STOPPED
      ? "stopped"
      : "error";
    return {
      kind,
      state,
      username: r?.bot.botInfo.username ?? null,
      id: r?.bot.botInfo.id ?? null,
      lastError: err ?? persisted.lastError,
      lastUpdateAt: persisted.lastUpdateAt,
    };
  }

  async status(): Promise<BotStatus[]> {
    return await Promise.all((["client", "manager"] as const).map((k) => this.#statusOf(k)));
  }
}
