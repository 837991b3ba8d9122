/**
 * A whole helpdesk on the built-in emulator: bots, channel, linked group, owner and managers,
 * and the real service (`startApp`) connected to it. Used by the demo and the benchmarks.
 *
 * @module
 */
import { type App, startApp } from "../src/app.ts";
import { parseConfig } from "../src/config.ts";
import { type Emulator, startEmulator } from "../src/emulator/mod.ts";
import { createLogger, type Logger } from "../src/log.ts";
import { NO_LIMITS, TELEGRAM_LIMITS } from "../src/services/pacer.ts";
import { helpdeskChats, registerManagers } from "./service_world.ts";
import { updateSettings } from "../src/storage/settings.ts";
import type { Clock } from "../src/clock.ts";
import type { Settings } from "../src/domain/settings.ts";
import type { CronJob } from "../src/jobs.ts";
import type { OutboxLevers } from "../src/services/deps.ts";

/** Options of {@linkcode startSandbox}. */
export interface SandboxOptions {
  /** Real seconds per Telegram second (emulator and pacer alike). */
  timeScale?: number;
  /** Telegram's rate limits on (emulator and pacer alike). */
  limits?: boolean;
  managers?: string[];
  /** KV path; `:memory:` by default. */
  kvPath?: string;
  port?: number;
  log?: Logger;
  /** The service's clock; the emulator dates messages by it too. */
  clock?: Clock;
  topics?: string[];
  /** Settings on top of the sandbox's (open, 24/7, the group linked). */
  settings?: Partial<Settings>;
  cronJobs?: CronJob[];
  autoForwardDelay?: { min: number; max: number };
  /** The outbox's capacity levers (default: all on). */
  outboxLevers?: Partial<OutboxLevers>;
  /** Wraps the KV handle the service gets (a benchmark counting its calls). */
  wrapKv?: (kv: Deno.Kv) => Deno.Kv;
  /** Further desks: a channel + linked group each (bots admins, managers members), with the topics routed to it. */
  desks?: Array<{ topics: string[] }>;
}

/** A running sandbox. */
export interface Sandbox {
  emu: Emulator;
  app: App;
  kv: Deno.Kv;
  owner: { id: number; firstName: string };
  managers: Array<{ id: number; firstName: string }>;
  bots: Record<"client" | "manager" | "settings", { id: number; token: string; username: string }>;
  channelId: number;
  groupId: number;
  /** Every desk's chats, the main one first (its id is the index). */
  desks: Array<{ channelId: number; groupId: number }>;
  stop(): Promise<void>;
}

/** Starts the emulator, builds the Telegram side, and starts the service against it. */
export async function startSandbox(o: SandboxOptions = {}): Promise<Sandbox> {
  const timeScale = o.timeScale ?? 0.05;
  const clock = o.clock;
  const limits = o.limits ?? true;
  const emu = await startEmulator({
    timeScale,
    limits,
    port: o.port ?? 0,
    autoForwardDelay: o.autoForwardDelay ?? { min: 5, max: 40 },
    ...(clock ? { now: () => clock.now() } : {}),
  });
  const owner = emu.createUser({
    firstName: "Olga",
    lastName: "Owner",
    username: "owner",
    languageCode: "ru",
  });
  const bots = {
    client: emu.createBot({ username: "helpdesk_client_bot", firstName: "Helpdesk" }),
    manager: emu.createBot({ username: "helpdesk_manager_bot", firstName: "Helpdesk Desk" }),
    settings: emu.createBot({ username: "helpdesk_settings_bot", firstName: "Helpdesk Settings" }),
  };
  const { channelId, groupId } = helpdeskChats(emu, owner.id, [bots.client, bots.manager]);
  const desks = [
    { channelId, groupId },
    ...(o.desks ?? []).map((_, i) =>
      helpdeskChats(emu, owner.id, [bots.client, bots.manager], {
        channel: `Tickets ${i + 2}`,
        group: `Tickets ${i + 2} chat`,
      })
    ),
  ];
  const managers = (o.managers ?? ["Maria", "Ivan"]).map((name) => {
    const u = emu.createUser({ firstName: name, username: name.toLowerCase(), languageCode: "ru" });
    for (const d of desks) {
      emu.setMember(d.channelId, u.id, { status: "member" });
      emu.setMember(d.groupId, u.id, { status: "member" });
    }
    return { id: u.id, firstName: name };
  });
  const rawKv = await Deno.openKv(o.kvPath ?? ":memory:");
  const kv = o.wrapKv ? o.wrapKv(rawKv) : rawKv;
  const now = o.clock?.now() ?? Date.now();
  await updateSettings(kv, owner.id, now, () => ({
    groupId,
    open: true,
    always: true,
    topics: o.topics ?? [],
    ...(o.desks?.length
      ? {
        desks: o.desks.map((d, i) => ({
          id: i + 1,
          channelId: desks[i + 1]!.channelId,
          groupId: desks[i + 1]!.groupId,
          title: `Tickets ${i + 2}`,
          topics: d.topics,
        })),
        deskSeq: o.desks.length,
      }
      : {}),
    ...o.settings,
  }));
  await registerManagers(kv, managers.map((m) => ({ id: m.id, name: m.firstName })), owner.id, now);
  const config = parseConfig({
    TELEGRAM_API_ROOT: emu.apiRoot,
    SETTINGS_BOT_TOKEN: bots.settings.token,
    ADMIN_IDS: String(owner.id),
    CLIENT_BOT_TOKEN: bots.client.token,
    MANAGER_BOT_TOKEN: bots.manager.token,
    MANAGERS_CHANNEL: String(channelId),
    KV_PATH: o.kvPath ?? ":memory:",
  });
  const app = await startApp(config, {
    log: o.log ?? createLogger("silent"),
    kv,
    ...(o.clock ? { clock: o.clock } : {}),
    limits: limits ? { ...TELEGRAM_LIMITS, timeScale } : NO_LIMITS,
    pollTimeoutSec: 1,
    albumWindowMs: 100,
    ...(o.cronJobs ? { cronJobs: o.cronJobs } : {}),
    ...(o.outboxLevers ? { outboxLevers: o.outboxLevers } : {}),
  });
  return {
    emu,
    app,
    kv,
    owner,
    managers,
    bots,
    channelId,
    groupId,
    desks,
    async stop() {
      await app.stop();
      await emu.close();
      rawKv.close();
    },
  };
}
