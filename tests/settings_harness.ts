/**
 * A world for the settings bot's end-to-end tests: the one world of `harness.ts` (the whole
 * service started with `startApp`) with nothing configured unless asked, and helpers that
 * drive the owner's chat with the settings bot like a person would: send text, press the
 * buttons they see, wait for an answer.
 *
 * @module
 */
import { type Clock, systemClock } from "../src/clock.ts";
import type { App } from "../src/app.ts";
import type { CronJob } from "../src/jobs.ts";
import type { Emulator, ViewMessage } from "../src/emulator/mod.ts";
import { createLogger } from "../src/log.ts";
import { type Settings } from "../src/domain/settings.ts";
import { type EmuBot, startWorld, type WorldChats } from "./harness.ts";
import type { Ticket } from "../src/domain/ticket.ts";
import { getTicket, ticketsByClient } from "../src/storage/tickets.ts";

export type { EmuBot } from "./harness.ts";

/** Options of {@linkcode startSettingsWorld}. */
export interface SettingsWorldOptions {
  /** Settings stored before the service starts (tokens, channel…). */
  settings?: (w: WorldChats) => Partial<Settings>;
  /** When those settings were stored, so in force since (default: now). */
  settingsAt?: number;
  /** Make the channel, link the group and make both bots admins of both chats. */
  readyChats?: boolean;
  /** Environment besides the required variables. */
  env?: Record<string, string>;
  /** Periodic jobs run by `app.cronTick()` (none unless given). */
  cronJobs?: CronJob[];
  ownerLang?: string;
  /** The service's clock (the system's unless given). */
  clock?: Clock;
}

/** A running world with the service. */
export interface SettingsWorld {
  emu: Emulator;
  kv: Deno.Kv;
  app: App;
  owner: { id: number };
  settingsBot: EmuBot;
  client: EmuBot;
  manager: EmuBot;
  channelId: number;
  groupId: number;
  /** Every log line written. */
  logs: string[];
  /** What the owner sees in their chat with the settings bot. */
  view(userId?: number): ViewMessage[];
  /** The owner (or `userId`) writes to the settings bot. */
  send(text: string, userId?: number): number;
  /** Waits for a message from the settings bot newer than `after` whose text matches. */
  waitFor(re: RegExp, after?: number, userId?: number): Promise<ViewMessage>;
  /** The id of the newest message in the owner's chat (a marker for waitFor). */
  mark(userId?: number): number;
  /**
   * The owner (or `userId`) sends /menu and gets the main menu: that message, not whatever the
   * settings bot happened to send meanwhile (a start's notice that arrives late under load).
   */
  menu(userId?: number): Promise<ViewMessage>;
  /** Presses the newest button whose data matches (or starts with) `data`; returns the query id. */
  press(data: string | RegExp, userId?: number): string;
  /** Waits until `cond` holds. */
  until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs?: number): Promise<void>;
  /**
   * Stops the service and starts it again on the same KV (`env` adds variables): nothing kept
   * in memory survives, as when the next request reaches another Deno Deploy instance.
   */
  restart(env?: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the emulator and the service around an in-memory KV. */
export async function startSettingsWorld(o: SettingsWorldOptions = {}): Promise<SettingsWorld> {
  const logs: string[] = [];
  const w = await startWorld({
    // Telegram forwards a channel post to the discussion group at once here
    autoForwardDelay: { min: 0, max: 0 },
    settings: o.settings ?? null,
    settingsAt: o.settingsAt,
    readyChats: o.readyChats ?? false,
    managers: false,
    bots: {
      settings: { username: "desk_settings_bot" },
      client: { username: "desk_client_bot", firstName: "Desk" },
      manager: { username: "desk_manager_bot", firstName: "Desk team" },
    },
    ownerLang: o.ownerLang ?? "en",
    clock: o.clock ?? systemClock,
    log: createLogger("debug", (line) => logs.push(line)),
    ...(o.env ? { env: o.env } : {}),
    ...(o.cronJobs ? { cronJobs: o.cronJobs } : {}),
  });
  const { emu, owner, settingsBot } = w;
  const view = (userId = owner.id) => {
    try {
      return emu.view(userId, settingsBot.id);
    } catch {
      return [];
    }
  };
  const mark = (userId = owner.id) => view(userId).at(-1)?.id ?? 0;
  const sw: SettingsWorld = {
    emu,
    kv: w.kv,
    get app() {
      return w.app;
    },
    set app(a: App) {
      w.app = a;
    },
    owner,
    settingsBot,
    client: w.clientBot,
    manager: w.managerBot,
    channelId: w.channelId,
    groupId: w.groupId,
    logs,
    view,
    mark,
    send: (text, userId = owner.id) => emu.userSend(userId, settingsBot.id, { text }).messageId,
    async waitFor(re, after = 0, userId = owner.id) {
      let found: ViewMessage | undefined;
      await w.until(() => {
        found = view(userId).find((m) =>
          m.id > after && !m.outgoing && re.test(m.text ?? m.caption ?? "")
        );
        return found !== undefined;
      }, `a settings bot message matching ${re}; last: ${view(userId).at(-1)?.text}`);
      return found!;
    },
    async menu(userId = owner.id) {
      const at = mark(userId);
      sw.send("/menu", userId);
      return await sw.waitFor(/What would you like to set up\?|Что настроить\?/, at, userId);
    },
    press(data, userId = owner.id) {
      const matches = (d: string) =>
        typeof data === "string" ? d === data || d.startsWith(`${data}:`) : data.test(d);
      for (const m of [...view(userId)].reverse()) {
        const rows = (m.replyMarkup as { inline_keyboard?: { callback_data?: string }[][] })
          ?.inline_keyboard ?? [];
        for (const b of rows.flat()) {
          if (b.callback_data && matches(b.callback_data)) {
            return emu.userPressButton(userId, settingsBot.id, m.id, b.callback_data);
          }
        }
      }
      throw new Error(`no button ${data} in the settings chat`);
    },
    until: w.until,
    restart: w.restart,
    stop: w.stop,
  };
  return sw;
}

/** Every KV record as text, with its key, except the settings record. */
export async function kvDump(kv: Deno.Kv): Promise<string[]> {
  const out: string[] = [];
  for await (const e of kv.list({ prefix: [] })) {
    if (e.key.length === 1 && e.key[0] === "settings") continue;
    out.push(`${JSON.stringify(e.key)} ${JSON.stringify(e.value)}`);
  }
  return out;
}

/** Settings of an installation that is fully set up and open (for `startSettingsWorld`). */
export function runningSettings(
  x: { client: EmuBot; manager: EmuBot; channelId: number; groupId: number },
): Partial<Settings> {
  return {
    clientBotToken: x.client.token,
    managerBotToken: x.manager.token,
    clientBotId: x.client.id,
    managerBotId: x.manager.id,
    clientBotUsername: x.client.username,
    managerBotUsername: x.manager.username,
    channelId: x.channelId,
    groupId: x.groupId,
    open: true,
  };
}

/** The owner opens the Bots menu and stops the client bot, confirming it, as a person does. */
export async function stopClientBot(w: SettingsWorld): Promise<void> {
  let at = (await w.menu()).id;
  at = w.mark();
  w.press("s:bots");
  await w.waitFor(/The helpdesk's bots/, at);
  at = w.mark();
  w.press("s:stop:client");
  await w.waitFor(/Stop the client bot\? Customers will get no answer/, at);
  at = w.mark();
  w.press("s:stop_yes:client");
  await w.waitFor(/Client bot: stopped/, at);
}

/** Waits until ticket `n` has a thread in `groupId` holding a message matching `re`; the ticket. */
export async function inThread(
  w: SettingsWorld,
  n: number,
  groupId: number,
  re: RegExp,
): Promise<Ticket> {
  await w.until(async () => {
    const t = await getTicket(w.kv, n);
    if (!t?.threadId) return false;
    return w.emu.threadView(groupId, t.threadId).some((m) => re.test(m.text ?? ""));
  }, `ticket #${n}'s thread in ${groupId} showing ${re}`);
  return (await getTicket(w.kv, n))!;
}

/**
 * A new customer (English unless `lang`) starts the client bot and sends /new, as a person
 * does; returns them and the client bot's topic question with its buttons.
 */
export async function customerAsksTopics(
  w: Pick<SettingsWorld, "emu" | "client">,
  firstName: string,
  o: { lang?: string; username?: string } = {},
): Promise<{ user: { id: number }; choose: ViewMessage }> {
  const { emu } = w;
  const user = emu.createUser({
    firstName,
    languageCode: o.lang ?? "en",
    ...(o.username ? { username: o.username } : {}),
  });
  emu.userStartBot(user.id, w.client.id);
  emu.userSend(user.id, w.client.id, { text: "/new" });
  const choose = await emu.waitForMessage(
    user.id,
    w.client.id,
    (m) => /Choose the topic|Выберите тему/.test(m.text ?? ""),
  );
  return { user, choose };
}

/**
 * A new English-speaking customer opens a ticket with a typed topic (no topics set) and waits
 * until its thread is there; returns them and the ticket's number.
 */
export async function customerOpensTicket(
  w: Pick<SettingsWorld, "emu" | "client" | "kv" | "until">,
  firstName: string,
  topic: string,
  question: string,
): Promise<{ user: { id: number }; ticket: number }> {
  const { emu } = w;
  const user = emu.createUser({ firstName, languageCode: "en" });
  emu.userStartBot(user.id, w.client.id);
  emu.userSend(user.id, w.client.id, { text: "/new" });
  await emu.waitForMessage(user.id, w.client.id, (m) => /topic/i.test(m.text ?? ""));
  emu.userSend(user.id, w.client.id, { text: topic });
  await emu.waitForMessage(user.id, w.client.id, (m) => /describe/.test(m.text ?? ""));
  emu.userSend(user.id, w.client.id, { text: question });
  await w.until(async () => !!(await ticketsByClient(w.kv, user.id))[0]?.threadId, "thread");
  return { user, ticket: (await ticketsByClient(w.kv, user.id))[0]!.number };
}
