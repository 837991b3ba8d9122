/**
 * The one end-to-end world of the tests: the emulator with a channel, its discussion group,
 * the client, manager and settings bots, managers, KV in memory, and the whole service started
 * by `startApp` as `main.ts` starts it (supervisor, durable polling, pacing, the managers' and
 * admins' notifiers, command menus, the settings bot with the owner as its admin). The settings
 * and managers' desk worlds are this world with helpers of their own.
 *
 * @module
 */
import type { Bot } from "grammy";
import type { Update } from "grammy/types";
import { type App, startApp } from "../src/app.ts";
import type { BotDeps } from "../src/bots/context.ts";
import { type Clock, ManualClock } from "../src/clock.ts";
import { parseConfig } from "../src/config.ts";
import type { Settings } from "../src/domain/settings.ts";
import { type Emulator, startEmulator, type ViewMessage } from "../src/emulator/mod.ts";
import type { CronJob } from "../src/jobs.ts";
import { createLogger, type Logger } from "../src/log.ts";
import type { Notifier, OutboxLevers, OutboxLimits } from "../src/services/deps.ts";
import { TELEGRAM_LIMITS } from "../src/services/pacer.ts";
import { updateSettings } from "../src/storage/settings.ts";
import type { SetAsideUpdate, StorageTrouble } from "../src/storage/intake.ts";
import { assertNoAnomalies } from "./emulator/anomaly_check.ts";
import { until as untilShared } from "../scripts/until.ts";
import { helpdeskChats, registerManagers } from "../scripts/service_world.ts";

/** A bot in the emulator. */
export interface EmuBot {
  id: number;
  token: string;
  username: string;
}

/** The helpdesk's chats and bots, for settings stored before the service starts. */
export interface WorldChats {
  client: EmuBot;
  manager: EmuBot;
  channelId: number;
  groupId: number;
}

/** Options of {@linkcode startWorld}. */
export interface WorldOptions {
  /** Real seconds per Telegram second, for the emulator and the pacer alike. */
  timeScale?: number;
  limits?: boolean;
  autoForwardDelay?: { min: number; max: number } | "before-return";
  topics?: string[];
  albumWindowMs?: number;
  /** The pollers' wait for a batch's handling before the rest is kept (0: kept at once). */
  keepAfterMs?: number;
  /** DEFAULT_LANGUAGE of the service. */
  defaultLang?: "ru" | "en";
  /** Runs on the KV before the bots start (records left by an earlier run). */
  beforeStart?: (kv: Deno.Kv) => Promise<void>;
  /** Wraps the in-memory KV the service is given (fault injection). */
  wrapKv?: (kv: Deno.Kv) => Deno.Kv;
  /** The outbox's retry ceiling (default: the service's). */
  outboxLimits?: Partial<OutboxLimits>;
  /** The outbox's capacity levers (default: the service's, all on). */
  outboxLevers?: Partial<OutboxLevers>;
  /** The logger of the service (default: silent unless TEST_LOG is set). */
  log?: Logger;
  /** Also receives the helpdesk's events (besides the service's own notifiers). */
  notifier?: Notifier;
  // The settings world's choices (tests/settings_harness.ts); the defaults make an open helpdesk.
  /**
   * Settings stored before the service starts; default: an open helpdesk on the world's chats
   * with `topics`; null: nothing (a fresh install).
   */
  settings?: ((w: WorldChats) => Partial<Settings>) | null;
  /** When those settings were stored, so in force since (default: the clock's now). */
  settingsAt?: number;
  /** Link the group to the channel and make both bots admins of both chats (default true). */
  readyChats?: boolean;
  /** Register Maria and Ivan as managers (default true). */
  managers?: boolean;
  /** Usernames and names of the emulator's bots (default help_client_bot and so on). */
  bots?: Partial<
    Record<"client" | "manager" | "settings", { username: string; firstName?: string }>
  >;
  /** The owner's Telegram language (default ru; null: their Telegram sends none). */
  ownerLang?: string | null;
  /** The service's clock (default: a manual clock at Monday 5 January 2026, 09:00 UTC). */
  clock?: Clock;
  /** Environment besides the variables the world sets (BOT_MODE, bootstrap tokens…). */
  env?: Record<string, string> | ((w: WorldChats) => Record<string, string>);
  /** Which webhook URLs the emulator accepts (webhook mode on a local port: "any"). */
  webhookPorts?: "telegram" | "any";
  /** Periodic jobs run by `app.cronTick()` (none unless given). */
  cronJobs?: CronJob[];
}

/** A running world. */
export interface TestWorld {
  emu: Emulator;
  kv: Deno.Kv;
  /** The running service's dependencies (a restart makes new ones). */
  deps: BotDeps;
  /** The running service. */
  app: App;
  /** The manual clock the service runs on (unless `clock` was given). */
  clock: ManualClock;
  clientBot: EmuBot;
  managerBot: EmuBot;
  settingsBot: EmuBot;
  owner: { id: number };
  channelId: number;
  groupId: number;
  /** Updates the service set aside (failed every attempt, or corrupted). */
  setAside: SetAsideUpdate[];
  /** What the pollers told of KV refusing writes. */
  storage: StorageTrouble[];
  /** Every update the client bot received, in order. */
  clientUpdates: Update[];
  /** The running grammY bots (a bot the supervisor restarted is a new one). */
  bots: { client: Bot; manager: Bot };
  /** Registered managers. */
  managers: Array<{ id: number; name: string }>;
  /**
   * Stops the service and starts it again on the same KV (`env` adds variables): nothing kept
   * in memory survives, as after a crash or a deploy.
   */
  restart(env?: Record<string, string>): Promise<void>;
  /** The outbox resumes from KV after a restart of the service: {@linkcode restart}. */
  restartOutbox(): Promise<void>;
  /** A new customer who has pressed /start. */
  newClient(name: string, languageCode?: string): Promise<{ id: number }>;
  /** What a user sees in their chat with the client bot. */
  clientView(userId: number): ViewMessage[];
  /** The comments under the post of ticket `n`. */
  thread(n: number): Promise<ViewMessage[]>;
  /** Waits until `cond` holds (polling), or fails after `timeoutMs`. */
  until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the emulator and the service (`startApp`) around an in-memory KV. */
export async function startWorld(o: WorldOptions = {}): Promise<TestWorld> {
  const timeScale = o.timeScale ?? 0.01;
  const emu = await startEmulator({
    timeScale,
    limits: o.limits ?? true,
    autoForwardDelay: o.autoForwardDelay ?? { min: 0, max: 5 },
    ...(o.webhookPorts ? { webhookPorts: o.webhookPorts } : {}),
  });
  const owner = emu.createUser({
    firstName: "Olga",
    username: "owner",
    ...(o.ownerLang === null ? {} : { languageCode: o.ownerLang ?? "ru" }),
  });
  const clientBot = emu.createBot(o.bots?.client ?? { username: "help_client_bot" });
  const managerBot = emu.createBot(o.bots?.manager ?? { username: "help_manager_bot" });
  const settingsBot = emu.createBot(o.bots?.settings ?? { username: "help_settings_bot" });
  const { channelId, groupId } = helpdeskChats(emu, owner.id, [clientBot, managerBot], {
    linked: o.readyChats ?? true,
  });
  const managers = o.managers === false ? [] : ["Maria", "Ivan"].map((name) => {
    const u = emu.createUser({ firstName: name, languageCode: "ru" });
    emu.setMember(channelId, u.id, { status: "member" });
    emu.setMember(groupId, u.id, { status: "member" });
    return { id: u.id, name };
  });

  const rawKv = await Deno.openKv(":memory:");
  const kv = o.wrapKv ? o.wrapKv(rawKv) : rawKv;
  const manual = new ManualClock(Date.UTC(2026, 0, 5, 9, 0));
  const clock = o.clock ?? manual;
  const log = o.log ?? createLogger(Deno.env.get("TEST_LOG") ? "debug" : "silent");
  const chats = { client: clientBot, manager: managerBot, channelId, groupId };
  const settings = o.settings === undefined
    ? () => ({
      clientBotToken: clientBot.token,
      managerBotToken: managerBot.token,
      clientBotId: clientBot.id,
      managerBotId: managerBot.id,
      channelId,
      groupId,
      open: true,
      topics: o.topics ?? [],
    })
    : o.settings;
  if (settings) {
    await updateSettings(kv, 0, o.settingsAt ?? clock.now(), () => settings(chats));
  }
  await registerManagers(kv, managers, owner.id, clock.now());
  await o.beforeStart?.(kv);

  const clientUpdates: Update[] = [];
  const setAside: SetAsideUpdate[] = [];
  const storage: StorageTrouble[] = [];
  const start = (env: Record<string, string> = {}) =>
    startApp(
      parseConfig({
        TELEGRAM_API_ROOT: emu.apiRoot,
        SETTINGS_BOT_TOKEN: settingsBot.token,
        ADMIN_IDS: String(owner.id),
        KV_PATH: ":memory:",
        TELEGRAM_TIME_SCALE: String(timeScale),
        ...(o.defaultLang ? { DEFAULT_LANGUAGE: o.defaultLang } : {}),
        ...(typeof o.env === "function" ? o.env(chats) : o.env),
        ...env,
      }),
      {
        log,
        clock,
        kv,
        limits: {
          ...TELEGRAM_LIMITS,
          timeScale,
          ...(o.limits === false
            ? { privatePerWindow: Infinity, groupPerWindow: Infinity, globalPerWindow: Infinity }
            : {}),
        },
        pollTimeoutSec: 1,
        ...(o.keepAfterMs === undefined ? {} : { pollKeepAfterMs: o.keepAfterMs }),
        albumWindowMs: o.albumWindowMs ?? 60,
        updateRetry: { attempts: 4, baseMs: 20 },
        ...(o.outboxLimits ? { outboxLimits: o.outboxLimits } : {}),
        ...(o.outboxLevers ? { outboxLevers: o.outboxLevers } : {}),
        ...(o.notifier ? { notifier: o.notifier } : {}),
        ...(o.cronJobs ? { cronJobs: o.cronJobs } : {}),
        onSetAside: (r) => setAside.push(r),
        onStorage: (e) => storage.push(e),
        // every update the client bot receives, seen as it arrives from getUpdates
        onBot: (kind, bot) => {
          if (kind !== "client") return;
          bot.api.config.use(async (prev, method, payload, signal) => {
            const res = await prev(method, payload, signal);
            if (method === "getUpdates" && res.ok) clientUpdates.push(...(res.result as Update[]));
            return res;
          });
        },
      },
    );
  let app = await start();

  const until = (cond: () => boolean | Promise<boolean>, what: string, timeoutMs?: number) =>
    untilShared(cond, what, timeoutMs, {
      // what a failure in CI needs to be understood: the last calls and what waits to be sent
      onTimeout: async () => {
        const last = (id: number) =>
          emu.calls(id).filter((c) => c.method !== "getUpdates").slice(-6)
            .map((c) => `${c.method} ${c.ok ? "ok" : `${c.errorCode} ${c.description}`}`);
        const jobs: string[] = [];
        for await (const e of kv.list({ prefix: ["outbox"] })) jobs.push(JSON.stringify(e.value));
        console.error(JSON.stringify(
          { what, client: last(clientBot.id), manager: last(managerBot.id), jobs },
          null,
          1,
        ));
      },
    });
  const running = (kind: "client" | "manager") => {
    const bot = app.supervisor.bot(kind);
    if (!bot) throw new Error(`the ${kind} bot is not running`);
    return bot;
  };
  const restart = async (env?: Record<string, string>) => {
    await app.stop();
    app = await start(env);
  };

  const { getTicket } = await import("../src/storage/tickets.ts");
  return {
    emu,
    kv,
    get deps() {
      return app.deps;
    },
    get app() {
      return app;
    },
    set app(a: App) {
      app = a;
    },
    clock: manual,
    clientBot,
    managerBot,
    settingsBot,
    owner,
    channelId,
    groupId,
    managers,
    bots: {
      get client() {
        return running("client");
      },
      get manager() {
        return running("manager");
      },
    },
    clientUpdates,
    setAside,
    storage,
    async newClient(name, languageCode = "ru") {
      const u = emu.createUser({ firstName: name, username: name.toLowerCase(), languageCode });
      emu.userStartBot(u.id, clientBot.id);
      await until(() => emu.view(u.id, clientBot.id).length >= 2, `${name}'s greeting`);
      return { id: u.id };
    },
    clientView: (userId) => emu.view(userId, clientBot.id),
    async thread(n) {
      const t = await getTicket(kv, n);
      if (!t?.threadId) return [];
      return emu.threadView(groupId, t.threadId).filter((m) => m.id !== t.threadId);
    },
    until,
    restart,
    restartOutbox: () => restart(),
    async stop() {
      await app.stop();
      await emu.close();
      rawKv.close();
      assertNoAnomalies(emu);
    },
  };
}

/**
 * The callback data of the button of `message` whose data is `prefix` or starts with
 * `prefix:` (a topic button carries its name's mark after its place: `c:topic:0:1x2y3z`).
 */
export function buttonData(message: { replyMarkup?: unknown }, prefix: string): string {
  const rows = (message.replyMarkup as
    | { inline_keyboard?: Array<Array<{ callback_data?: string }>> }
    | undefined)?.inline_keyboard ?? [];
  const data = rows.flat().map((b) => b.callback_data ?? "").find((d) =>
    d === prefix || d.startsWith(`${prefix}:`)
  );
  if (data === undefined) throw new Error(`no button ${prefix} on the message`);
  return data;
}

/**
 * `userId` presses the button `data` on ticket `n`'s post once the post carries it: the post is
 * edited after each change through the outbox, so its buttons follow the ticket's status a moment
 * later. Returns the callback query id.
 */
export async function pressOnPost(
  w: TestWorld,
  userId: number,
  n: number,
  data: string,
): Promise<string> {
  const { getTicket } = await import("../src/storage/tickets.ts");
  const postId = (await getTicket(w.kv, n))?.postId;
  if (postId === undefined || postId === null) throw new Error(`ticket #${n} has no post yet`);
  const has = (b: { callback_data?: string }) => b.callback_data === data;
  await w.until(
    () =>
      w.emu.view(w.owner.id, w.channelId).some((m) =>
        m.id === postId &&
        ((m.replyMarkup as { inline_keyboard?: { callback_data?: string }[][] } | undefined)
          ?.inline_keyboard ?? []).some((row) => row.some(has))
      ),
    `the button ${data} on the post of #${n}`,
  );
  return w.emu.userPressButton(userId, w.channelId, postId, data);
}

/** The client opens a ticket: writes the question, then types the topic when asked. */
export async function clientOpensTicket(
  w: TestWorld,
  clientId: number,
  topic: string,
  question: string,
): Promise<number> {
  const { getClient } = await import("../src/storage/people.ts");
  const before = (await getClient(w.kv, clientId))?.currentTicket ?? null;
  const asked = w.clientView(clientId).filter((m) => /тему|topic/i.test(m.text ?? "")).length;
  w.emu.userSend(clientId, w.clientBot.id, { text: "/new" });
  await w.until(
    () => w.clientView(clientId).filter((m) => /тему|topic/i.test(m.text ?? "")).length > asked,
    "the topic question",
  );
  w.emu.userSend(clientId, w.clientBot.id, { text: topic });
  await w.until(
    () => w.clientView(clientId).some((m) => m.text?.includes(topic) && !m.outgoing),
    "the question prompt",
  );
  w.emu.userSend(clientId, w.clientBot.id, { text: question });
  let n = 0;
  await w.until(async () => {
    const c = await getClient(w.kv, clientId);
    n = c?.currentTicket ?? 0;
    return n !== 0 && n !== before;
  }, "the new ticket");
  await w.until(async () => (await w.thread(n)).length >= 1, `the first comment of #${n}`);
  return n;
}

/** A manager comments in ticket `n`'s thread (a reply to its root, or to `replyTo`). */
export async function managerSays(
  w: TestWorld,
  managerId: number,
  n: number,
  content: Parameters<TestWorld["emu"]["userSend"]>[2],
  replyTo?: number,
): Promise<number> {
  const { getTicket } = await import("../src/storage/tickets.ts");
  const t = await getTicket(w.kv, n);
  if (!t?.threadId) throw new Error(`ticket #${n} has no thread yet`);
  return w.emu.userSend(managerId, w.groupId, content, { replyTo: replyTo ?? t.threadId })
    .messageId;
}
