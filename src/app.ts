/**
 * Wires the whole service from a validated config: KV, bootstrap settings, the delivery
 * worker, the client and manager bots under a supervisor, and the settings bot.
 * `main.ts` calls it; tests and the demo call it too.
 *
 * @module
 */
import { ConfigError } from "./errors.ts";
import { KvAlbumCollector, redispatchAlbum } from "./bots/album_collector.ts";
import { createClientBot } from "./bots/client/bot.ts";
import type { BotDeps } from "./bots/context.ts";
import { installPacing } from "./bots/pacing.ts";
import { tolerateExpiredQueries } from "./bots/expired_queries.ts";
import { createManagerBot } from "./bots/manager/bot.ts";
import { createSettingsBot } from "./bots/settings/bot.ts";
import { autoOpen } from "./services/setup/open.ts";
import { type Clock, systemClock } from "./clock.ts";
import type { Config } from "./config.ts";
import { type Logger, redact } from "./log.ts";
import type {
  BotApis,
  BotKind,
  Notifier,
  OutboxLevers,
  OutboxLimits,
  ServiceDeps,
} from "./services/deps.ts";
import type { Api, Bot } from "grammy";
import { AdminAlerts, fanOut } from "./services/admin_alerts.ts";
import { watchSetup } from "./services/setup/watch.ts";
import { DeskNotifier } from "./services/desk/notifier.ts";
import { Outbox } from "./services/outbox.ts";
import { type Limits, Pacer, TELEGRAM_LIMITS } from "./services/pacer.ts";
import type { SetAsideUpdate, StorageTrouble } from "./storage/intake.ts";
import { DurablePoller } from "./runtime/poller.ts";
import { PollingSource, Supervisor } from "./runtime/supervisor.ts";
import { WebhookServer } from "./runtime/webhook.ts";
import { openDatabase } from "./storage/open.ts";
import { kvPacerStore } from "./storage/pacer.ts";
import { applyBootstrap, getSettings } from "./storage/settings.ts";
import { type MenuBot, setCommandMenus } from "./services/setup/commands.ts";

/** A running service. */
export interface App {
  kv: Deno.Kv;
  deps: BotDeps;
  supervisor: Supervisor;
  /** The managers' notifications (its `idle()` says when every queued one was handled). */
  desk: DeskNotifier;
  /** What Deno.cron runs every minute: retries, and the periodic jobs registered in `cronJobs`. */
  cronTick(): Promise<void>;
  /** Resolves once the outbox and the managers' notifications have nothing in hand (tests). */
  idle(): Promise<void>;
  /** Finishes work in hand, stops the bots and closes KV (unless it was given). */
  stop(): Promise<void>;
}

/** Dependencies that tests replace. */
export interface AppDeps {
  log: Logger;
  clock?: Clock;
  /** An already open KV (tests); otherwise `config.kvPath` is opened. */
  kv?: Deno.Kv;
  /** Telegram's limits (scaled in tests). */
  limits?: Limits;
  /** The outbox's capacity levers (benchmarks switch them one by one). */
  outboxLevers?: Partial<OutboxLevers>;
  /** The outbox's retry ceiling (tests reach it in a few attempts); the lease stays the mode's. */
  outboxLimits?: Partial<Omit<OutboxLimits, "leaseMs">>;
  /** Attempts of a failing update and the first pause between them (short in tests). */
  updateRetry?: { attempts: number; baseMs: number };
  /** Also told of every helpdesk event, besides the managers' and admins' notifiers. */
  notifier?: Notifier;
  /** Also told of every update set aside, besides the admins. */
  onSetAside?: (r: SetAsideUpdate) => void;
  /** Also told of KV refusing to keep received updates, besides the admins. */
  onStorage?: (e: StorageTrouble) => void;
  /**
   * Told of every bot made, before it starts receiving updates (a bot restarted by the
   * supervisor is a new one): tests watch its API calls through a transformer.
   */
  onBot?: (kind: BotKind | "settings", bot: Bot) => void;
  /** Long-poll timeout in seconds (short in tests so that stopping is quick). */
  pollTimeoutSec?: number;
  /** How long a polled batch's handling is waited for before the rest is kept (see poller). */
  pollKeepAfterMs?: number;
  albumWindowMs?: number;
  /** How long one album hand-on holds its lease. */
  albumLeaseMs?: number;
  /** Periodic jobs (SLA checks, quiet tickets, scheduled reports) run by `cronTick`. */
  cronJobs?: Array<(deps: BotDeps) => Promise<void>>;
}

/** How long a webhook request waits for the deliveries its update queued. */
const WEBHOOK_SETTLE_MS = 5_000;
/** How long a cron run keeps delivering what is due (runs are a minute apart). */
const CRON_SETTLE_MS = 45_000;

/**
 * Opens the service's KV; a path that cannot be a database is a configuration error in one
 * plain sentence (the admin fixes KV_PATH), never a stack trace.
 */
export async function openKv(path: string | null): Promise<Deno.Kv> {
  if (path === null) return await openDatabase(null);
  const local = path !== ":memory:" && !/^https?:\/\//.test(path);
  try {
    if (local) {
      const dir = path.replace(/[^/]*$/, "");
      if (dir) await Deno.mkdir(dir, { recursive: true });
      const st = await Deno.stat(path).catch(() => null);
      if (st?.isDirectory) throw new Error("it is a folder, not a file");
    }
    return await openDatabase(path);
  } catch (e) {
    throw new ConfigError(`Cannot open the database at KV_PATH=${path}: ${kvReason(e)}`);
  }
}

function kvReason(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  if (e instanceof Deno.errors.PermissionDenied || /permission denied/i.test(m)) {
    return "permission denied (check the folder's owner and mode)";
  }
  if (e instanceof Deno.errors.AlreadyExists || /not a directory|File exists/i.test(m)) {
    return "a file is in the way of its folder";
  }
  if (/not a database|file is encrypted|malformed/i.test(m)) {
    return "the file is not a Deno KV database (was another file given?)";
  }
  if (/locked|busy/i.test(m)) return "the database is locked by another program";
  if (/read-only|readonly/i.test(m)) return "the file or its disk is read-only";
  return m.split("\n")[0]!;
}

/** Starts the service described by `config`. */
export async function startApp(config: Config, deps: AppDeps): Promise<App> {
  const clock = deps.clock ?? systemClock;
  const log = deps.log;
  const kv = deps.kv ?? await openKv(config.kvPath);
  const channel = config.bootstrap.managersChannel;
  await applyBootstrap(kv, {
    ...(config.bootstrap.clientBotToken ? { clientBotToken: config.bootstrap.clientBotToken } : {}),
    ...(config.bootstrap.managerBotToken
      ? { managerBotToken: config.bootstrap.managerBotToken }
      : {}),
    ...(channel && /^-?\d+$/.test(channel) ? { channelId: Number(channel) } : {}),
  }, clock.now());

  const pacer = new Pacer(deps.limits ?? { ...TELEGRAM_LIMITS, timeScale: config.timeScale }, {
    store: kvPacerStore(kv),
    onError: (e) => log.warn("pacer state not saved", { err: e }),
  });
  // before anything is sent: the last process's sends still count in Telegram's windows
  await pacer.restore().catch((e) => log.warn("pacer state not restored", { err: e }));
  let supervisor: Supervisor | null = null;
  /**
   * The bots' APIs as they were when the stop began: updates in hand and queued notifications
   * still reach Telegram while the supervisor lets go of the bots (they would be dropped).
   */
  let stopping: BotApis | null = null;
  const menus = async (bot: MenuBot, api: Api) => {
    try {
      const s = await getSettings(kv);
      await setCommandMenus(api, bot, {
        fallback: bot === "client" ? config.defaultLang : s.teamLang,
        groupId: s.groupId,
        desks: s.desks.map((d) => d.groupId),
      });
    } catch (e) {
      log.warn("command menus not set", { bot, err: e });
    }
  };
  const base: ServiceDeps = {
    kv,
    clock,
    log,
    pacer,
    adminIds: config.adminIds,
    defaultLang: config.defaultLang,
    apis: () => stopping ?? supervisor?.apis() ?? { client: null, manager: null },
    // webhook instances sharing one KV take over a dead one's lanes this soon (scaled in
    // rehearsals); a polling service is alone (a second poller gets 409) and takes no leases
    outboxLimits: {
      ...deps.outboxLimits,
      leaseMs: config.webhook ? Math.max(3_000, 30_000 * config.timeScale) : null,
    },
    // the notifier is made below, once the bots' deps exist
    events: () => botDeps.notifier,
    ...(deps.outboxLevers ? { outboxLevers: deps.outboxLevers } : {}),
  };
  // admins hear of messages the outbox gives up on through the notifier made below
  const outbox = new Outbox(base, () => botDeps.notifier);
  const albumWindowMs = deps.albumWindowMs ?? 700;
  const botDeps: BotDeps = {
    ...base,
    outbox,
    apiRoot: config.apiRoot,
    // in KV in both modes: a part's update leaves the durable inbox once its part is stored
    albums: new KvAlbumCollector(kv, {
      windowMs: albumWindowMs,
      // longer than any hand-on (KV writes and a reply), scaled like Telegram's limits
      leaseMs: deps.albumLeaseMs ?? Math.max(2_000, 30_000 * config.timeScale),
      onError: (e) => log.error("album", { err: e }),
      recover: (items) => {
        const bot = supervisor?.bot("client");
        if (!bot) return Promise.reject(new Error("the client bot is not running"));
        return redispatchAlbum(bot, items);
      },
    }),
  };
  const albums = botDeps.albums as KvAlbumCollector;
  let settingsApi: Api | null = null;
  botDeps.adminApi = () => settingsApi;
  const alerts = new AdminAlerts(botDeps, () => settingsApi);
  const desk = new DeskNotifier(botDeps);
  botDeps.notifier = fanOut(desk, alerts, ...(deps.notifier ? [deps.notifier] : []));
  const onSetAside = (r: SetAsideUpdate) => {
    alerts.updateSetAside(r);
    deps.onSetAside?.(r);
  };
  const onStorage = (e: StorageTrouble) => {
    alerts.storage(e);
    deps.onStorage?.(e);
  };
  const retry = deps.updateRetry ? { retry: deps.updateRetry } : {};
  const timeoutSec = deps.pollTimeoutSec ?? 25;
  // in webhook mode the first delivery attempt happens before Telegram gets its answer; the
  // wait is in Telegram time (a rehearsal at a faster clock waits as much less)
  const settleMs = WEBHOOK_SETTLE_MS * config.timeScale;
  // an alert raised by the update is stored before Telegram gets its answer (on Deno Deploy
  // the instance may end with the request)
  const settle = async () =>
    void await Promise.race([
      Promise.all([outbox.idle(), alerts.idle()]),
      new Promise<void>((r) => setTimeout(r, settleMs)),
    ]);
  const webhook = config.webhook
    ? new WebhookServer({
      baseUrl: config.webhook.url,
      secret: config.webhook.secret,
      log,
      afterUpdate: settle,
      // another instance may have saved a new token: this one follows before handling
      beforeUpdate: () => supervisor?.sync() ?? Promise.resolve(),
      kv,
      now: () => clock.now(),
      onSetAside,
      scaled: (sec) => pacer.scaled(sec),
    })
    : null;
  // what a long poll needs, the same for the two bots' source and the settings bot's poller
  const keep = deps.pollKeepAfterMs === undefined ? {} : { keepAfterMs: deps.pollKeepAfterMs };
  const pollDeps = { kv, log, clock, timeoutSec, onSetAside, onStorage, ...retry, ...keep };
  const polling = webhook ? null : new PollingSource(pollDeps);
  supervisor = new Supervisor({
    kv,
    log,
    makeBot: (kind: BotKind, token: string) => {
      const bot = kind === "client"
        ? createClientBot(token, botDeps)
        : createManagerBot(token, botDeps);
      deps.onBot?.(kind, bot);
      return bot;
    },
    source: webhook ?? polling!,
    // every start, not only on opening: a menu changed by a new version reaches Telegram
    onStarted: (kind, bot) => menus(kind, bot.api),
  });
  const server = webhook
    ? Deno.serve(
      { port: config.port, hostname: "0.0.0.0", onListen: () => {} },
      (req) => webhook.handle(req),
    )
    : null;
  const settingsDeps = {
    ...botDeps,
    control: supervisor,
    mode: config.mode,
  };
  // the setup watch (cron and memberships): the doctor's checks, alerts to the admins
  botDeps.checkSetup = () => watchSetup(settingsDeps, alerts);
  // a fresh install completed by the bootstrap variables opens by itself; before the bots
  // start, so that the discussion group is known when they see their memberships
  await autoOpen(settingsDeps);
  await supervisor.startAll();
  await outbox.resume();
  // albums whose parts were stored before a restart get a fresh window, each handed on by its
  // own timer; once the inbox's leftovers were handled, since they may bring later parts (an
  // album adopted before them could be handed on in two pieces)
  const resumed = (async () => {
    await polling?.caughtUp();
    await albums.resume();
  })().catch((e) => log.error("album", { err: e }));

  // the settings bot: always on, the one place an admin sets everything up
  const settingsBot = createSettingsBot(config.settingsBotToken, settingsDeps);
  installPacing(settingsBot.api, pacer, "settings");
  deps.onBot?.("settings", settingsBot);
  tolerateExpiredQueries(
    settingsBot.api,
    () => log.info("a button press was answered too late", { bot: "settings" }),
  );
  settingsApi = settingsBot.api;
  // alerts left unsent by a stop or a crash, or raised before the settings bot was up
  void alerts.resume();
  let settingsPoller: DurablePoller | null = null;
  try {
    await settingsBot.init();
    await menus("settings", settingsBot.api);
    if (webhook) {
      // Deno Deploy has no long polling and runs several instances: by webhook, like the others
      await webhook.start("settings", settingsBot);
    } else {
      settingsPoller = new DurablePoller({
        bot: settingsBot,
        name: "settings",
        ...pollDeps,
        // a pasted token must never rest in KV: the kept copy has it redacted
        scrub: (u) => JSON.parse(redact(JSON.stringify(u))),
      });
      settingsPoller.start();
      await settingsPoller.polling;
    }
  } catch (e) {
    log.error("settings bot did not start", { err: e });
  }
  log.info("service started", { mode: config.mode });

  return {
    kv,
    deps: botDeps,
    supervisor,
    desk,
    async cronTick() {
      if (webhook) await supervisor!.sync().catch((e) => log.warn("bots not synced", { err: e }));
      await outbox.resume();
      await resumed;
      await albums.flushDue().catch((e) => log.error("album", { err: e }));
      for (const job of deps.cronJobs ?? []) {
        await job(botDeps).catch((e) => log.error("cron job failed", { err: e }));
      }
      await alerts.resume();
      await Promise.race([
        Promise.all([outbox.idle(), alerts.idle()]),
        new Promise<void>((r) => setTimeout(r, CRON_SETTLE_MS)),
      ]);
    },
    async idle() {
      await desk.idle();
      await outbox.idle();
      await alerts.idle();
    },
    async stop() {
      await server?.shutdown();
      await settingsPoller?.stop();
      stopping = supervisor!.apis();
      await supervisor!.stopAll();
      await resumed;
      await botDeps.albums.flushAll();
      // the managers hear of what happened before the stop: queued notifications go out first
      await desk.idle();
      await outbox.stop();
      // alerts raised up to here (the outbox's last give-ups among them) are stored; those not
      // sent yet go out after the next start
      await alerts.idle();
      await pacer.flush();
      if (!deps.kv) kv.close();
    },
  };
}
