/**
 * An end-to-end world for tests: the emulator with a channel, its discussion group, the
 * client and manager bots (real grammY bots polling over HTTP), managers and KV in memory.
 *
 * @module
 */
import type { Bot } from "grammy";
import type { Update } from "grammy/types";
import { KvAlbumCollector, redispatchAlbum } from "../src/bots/album_collector.ts";
import { createClientBot } from "../src/bots/client/bot.ts";
import type { BotDeps } from "../src/bots/context.ts";
import { createManagerBot } from "../src/bots/manager/bot.ts";
import { ManualClock } from "../src/clock.ts";
import { type Emulator, startEmulator, type ViewMessage } from "../src/emulator/mod.ts";
import { createLogger, type Logger } from "../src/log.ts";
import type { Notifier, OutboxLevers, OutboxLimits } from "../src/services/deps.ts";
import { Outbox } from "../src/services/outbox.ts";
import { Pacer, TELEGRAM_LIMITS } from "../src/services/pacer.ts";
import { DurablePoller } from "../src/runtime/poller.ts";
import { kvPacerStore } from "../src/storage/pacer.ts";
import { updateSettings } from "../src/storage/settings.ts";
import type { SetAsideUpdate, StorageTrouble } from "../src/storage/intake.ts";
import { assertNoAnomalies } from "./emulator/anomaly_check.ts";
import { until as untilShared } from "../scripts/until.ts";
import { helpdeskChats, registerManagers } from "../scripts/service_world.ts";

/** Options of {@linkcode startWorld}. */
export interface WorldOptions {
  /** Real seconds per Telegram second, for the emulator and the pacer alike. */
  timeScale?: number;
  limits?: boolean;
  autoForwardDelay?: { min: number; max: number } | "before-return";
  topics?: string[];
  albumWindowMs?: number;
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
  /** Receives the helpdesk's events (there is none by default). */
  notifier?: Notifier;
}

/** A running world. */
export interface TestWorld {
  emu: Emulator;
  kv: Deno.Kv;
  deps: BotDeps;
  clock: ManualClock;
  clientBot: { id: number; token: string; username: string };
  managerBot: { id: number; token: string; username: string };
  owner: { id: number };
  channelId: number;
  groupId: number;
  /** Updates the service set aside (failed every attempt, or corrupted). */
  setAside: SetAsideUpdate[];
  /** What the pollers told of KV refusing writes. */
  storage: StorageTrouble[];
  /** Every update the client bot received, in order. */
  clientUpdates: Update[];
  /** The running grammY bots. */
  bots: { client: Bot; manager: Bot };
  /** Registered managers. */
  managers: Array<{ id: number; name: string }>;
  /** Stops the outbox as a service restart would and starts a new one that resumes from KV. */
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

/** Starts the emulator, the bots and the service around an in-memory KV. */
export async function startWorld(o: WorldOptions = {}): Promise<TestWorld> {
  const timeScale = o.timeScale ?? 0.01;
  const emu = await startEmulator({
    timeScale,
    limits: o.limits ?? true,
    autoForwardDelay: o.autoForwardDelay ?? { min: 0, max: 5 },
  });
  const owner = emu.createUser({ firstName: "Olga", username: "owner", languageCode: "ru" });
  const clientBot = emu.createBot({ username: "help_client_bot" });
  const managerBot = emu.createBot({ username: "help_manager_bot" });
  const { channelId, groupId } = helpdeskChats(emu, owner.id, [clientBot, managerBot]);
  const managers = ["Maria", "Ivan"].map((name) => {
    const u = emu.createUser({ firstName: name, languageCode: "ru" });
    emu.setMember(channelId, u.id, { status: "member" });
    emu.setMember(groupId, u.id, { status: "member" });
    return { id: u.id, name };
  });

  const rawKv = await Deno.openKv(":memory:");
  const kv = o.wrapKv ? o.wrapKv(rawKv) : rawKv;
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 9, 0));
  const log = o.log ?? createLogger(Deno.env.get("TEST_LOG") ? "debug" : "silent");
  await updateSettings(kv, 0, clock.now(), () => ({
    clientBotToken: clientBot.token,
    managerBotToken: managerBot.token,
    clientBotId: clientBot.id,
    managerBotId: managerBot.id,
    channelId,
    groupId,
    open: true,
    topics: o.topics ?? [],
  }));
  await registerManagers(kv, managers, owner.id, clock.now());
  const pacer = new Pacer({
    ...TELEGRAM_LIMITS,
    timeScale,
    ...(o.limits === false
      ? { privatePerWindow: Infinity, groupPerWindow: Infinity, globalPerWindow: Infinity }
      : {}),
  }, { store: kvPacerStore(kv) });
  await pacer.restore();
  const bots: { client?: Bot; manager?: Bot } = {};
  const base = {
    kv,
    clock,
    log,
    pacer,
    adminIds: [owner.id],
    ...(o.defaultLang ? { defaultLang: o.defaultLang } : {}),
    apis: () => ({ client: bots.client?.api ?? null, manager: bots.manager?.api ?? null }),
    events: () => deps.notifier,
    ...(o.outboxLimits ? { outboxLimits: o.outboxLimits } : {}),
    ...(o.outboxLevers ? { outboxLevers: o.outboxLevers } : {}),
  };
  const deps: BotDeps = {
    ...base,
    outbox: new Outbox(base, () => deps.notifier),
    ...(o.notifier ? { notifier: o.notifier } : {}),
    apiRoot: emu.apiRoot,
    // as in the service (both modes): parts kept in KV until the album is handed on
    albums: new KvAlbumCollector(kv, {
      windowMs: o.albumWindowMs ?? 60,
      onError: (e) => log.error("album", { err: e }),
      recover: (items) => redispatchAlbum(bots.client!, items),
    }),
  };
  bots.client = createClientBot(clientBot.token, deps);
  bots.manager = createManagerBot(managerBot.token, deps);
  const clientUpdates: Update[] = [];
  const setAside: SetAsideUpdate[] = [];
  const storage: StorageTrouble[] = [];
  bots.client.api.config.use(async (prev, method, payload, signal) => {
    const res = await prev(method, payload, signal);
    if (method === "getUpdates" && res.ok) clientUpdates.push(...(res.result as Update[]));
    return res;
  });
  await Promise.all([bots.client.init(), bots.manager.init()]);
  await o.beforeStart?.(kv);
  // the same durable poller as the service: updates kept in KV, per-chat order
  const pollers = (["client", "manager"] as const).map((name) =>
    new DurablePoller({
      bot: bots[name]!,
      name,
      kv,
      log,
      clock,
      timeoutSec: 1,
      retry: { attempts: 4, baseMs: 20 },
      onSetAside: (r) => setAside.push(r),
      onStorage: (e) => storage.push(e),
    })
  );
  for (const p of pollers) p.start();
  await Promise.all(pollers.map((p) => p.polling));

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

  const { getTicket } = await import("../src/storage/tickets.ts");
  return {
    emu,
    kv,
    deps,
    clock,
    clientBot,
    managerBot,
    owner,
    channelId,
    groupId,
    managers,
    bots: { client: bots.client, manager: bots.manager },
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
    async restartOutbox() {
      await deps.outbox.stop();
      deps.outbox = new Outbox(base, () => deps.notifier);
      await deps.outbox.resume();
    },
    async stop() {
      await deps.albums.flushAll();
      await Promise.all(pollers.map((p) => p.stop()));
      await deps.outbox.stop();
      await pacer.flush();
      await emu.close();
      rawKv.close();
      assertNoAnomalies(emu);
    },
  };
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
