/**
 * The chaos suite's world: the whole service (`startApp`: client, manager and settings bots,
 * outbox, supervisor) in polling or webhook mode on the emulator, around one in-memory KV that
 * outlives the service, so that the service can be killed and started again on it.
 *
 * A kill is a hard stop of an in-process service: from that instant its KV and its network are
 * cut. Every KV operation and Telegram request it starts later never completes, and neither
 * does the answer of one in flight (a request already sent is executed by Telegram and a commit
 * already handed to the database lands, as when a process dies). Its log goes silent. Nothing
 * of it is flushed, stopped or awaited: its timers fire into operations that never return. A
 * new service then starts on the same KV, as a restarted process would.
 *
 * With `process`, the service is `main.ts` itself in a child process on a KV file (the world
 * reads the same file), straight against the emulator, and a kill is a SIGKILL of that process
 * followed by a new one on the same file; it runs on the real clock.
 *
 * It stays one file over 400 lines: the in-process and the child-process worlds share one
 * interface, the emulator and the KV, and their kills differ only in what is cut.
 *
 * @module
 */
import { type App, startApp } from "../../src/app.ts";
import { ManualClock } from "../../src/clock.ts";
import { parseConfig } from "../../src/config.ts";
import { type Emulator, startEmulator, type ViewMessage } from "../../src/emulator/mod.ts";
import { createLogger } from "../../src/log.ts";
import { TELEGRAM_LIMITS } from "../../src/services/pacer.ts";
import { updateSettings } from "../../src/storage/settings.ts";
import { getTicket } from "../../src/storage/tickets.ts";
import { helpdeskChats, registerManagers } from "../../scripts/service_world.ts";
import { until } from "../../scripts/until.ts";

/** How updates reach the service. */
export type Mode = "polling" | "webhook";

/** A bot of the world. */
export interface WorldBot {
  id: number;
  token: string;
  username: string;
}

/** A running chaos world. */
export interface ChaosWorld {
  mode: Mode;
  emu: Emulator;
  /** The database, which outlives each service started on it. */
  kv: Deno.Kv;
  clock: ManualClock;
  clientBot: WorldBot;
  managerBot: WorldBot;
  settingsBot: WorldBot;
  /** The owner: the helpdesk's admin, creator of the channel and the group. */
  owner: { id: number };
  /** The main desk's chats. */
  channelId: number;
  groupId: number;
  /**
   * Every desk's chats by desk id (0: the main one); desk 1 takes the tickets of the second
   * topic (see {@linkcode ChaosWorldOptions.topics}).
   */
  desks: Array<{ channelId: number; groupId: number }>;
  /** The chats of the desk ticket `t` is on. */
  chatsOf(t: { desk?: number }): { channelId: number; groupId: number };
  /** Managers registered at the start (Maria, Ivan). */
  managers: Array<{ id: number; name: string }>;
  /** The service running now (null when it runs as a process). */
  app(): App | null;
  /** Why a service process ended that nobody killed (with `process`): its last log lines. */
  exits: string[];
  /** How many times the service was killed. */
  kills(): number;
  /** Kills the service (see the module) and starts a new one on the same KV. */
  kill(): Promise<void>;
  /**
   * Revokes `bot`'s token as @BotFather's /revoke does: Telegram refuses the old token at once
   * and knows the bot by a new one, which becomes `bot.token`.
   */
  rotateToken(bot: WorldBot): void;
  /** Every token revoked so far: none may appear anywhere, the settings included. */
  revokedTokens: string[];
  /** Resolves when the running service has nothing in hand (outbox, notifications). */
  idle(): Promise<void>;
  /** Whether Telegram holds no update of `bot` the service could take now. */
  drained(bot: WorldBot): boolean;
  /** A new customer who has pressed /start. */
  newClient(name: string, languageCode?: string): Promise<{ id: number }>;
  /** What a user sees in their chat with the client bot. */
  clientView(userId: number): ViewMessage[];
  /** What a user sees in their chat with the settings bot. */
  settingsView(userId: number): ViewMessage[];
  /** The comments under the post of ticket `n`. */
  thread(n: number): Promise<ViewMessage[]>;
  /** Stops the running service and the emulator; killed services stay dead. */
  stop(): Promise<void>;
}

/** Options of {@linkcode startChaosWorld}. */
export interface ChaosWorldOptions {
  mode: Mode;
  /** The topics; the second, when there is one, is routed to a second desk. */
  topics: string[];
  /** Receives the log lines of every service started (at level warn). */
  log: (line: string) => void;
  /** Runs the service as `main.ts` in a child process (kills are SIGKILLs) instead of in-process. */
  process?: boolean;
}

const SCALE = 0.01;
const SECRET = "chaos-secret-chaos-secret";

/** One started service and what cuts it off. */
interface Life {
  app: App | null;
  /** the service's process (with `process`) */
  proc?: Deno.ChildProcess;
  dead: boolean;
  /** the port its webhook server listens on */
  port: number;
  /** aborts the webhook requests forwarded to it */
  requests: AbortController;
}

/** A response whose body fails: the connection breaks before the answer is read. */
const broken = () =>
  new Response(
    new ReadableStream({
      start(c) {
        c.error(new Error("the connection broke"));
      },
    }),
  );

/** A promise that never settles: what a dead process's operations turn into. */
const never = <T>(): Promise<T> => new Promise<T>(() => {});

/** `inner` as a service sees it while `life` lasts; after that, nothing it asks completes. */
function mortalKv(inner: Deno.Kv, life: Life): Deno.Kv {
  const gate = <T>(start: () => Promise<T>): Promise<T> => {
    if (life.dead) return never();
    return start().then(
      (v) => life.dead ? never<T>() : v,
      (e) => life.dead ? never<T>() : Promise.reject(e),
    );
  };
  const atomic = () => {
    const op = inner.atomic();
    const proxy: Deno.AtomicOperation = new Proxy(op, {
      get(target, prop) {
        if (prop === "commit") return () => gate(() => target.commit());
        const v = Reflect.get(target, prop, target);
        if (typeof v !== "function") return v;
        return (...args: unknown[]) => {
          v.apply(target, args);
          return proxy;
        };
      },
    });
    return proxy;
  };
  const list = (sel: Deno.KvListSelector, o?: Deno.KvListOptions) => {
    const it = inner.list(sel, o);
    const wrapped = {
      get cursor() {
        return it.cursor;
      },
      next: () => gate(() => it.next()),
      [Symbol.asyncIterator]() {
        return wrapped;
      },
    };
    return wrapped as unknown as Deno.KvListIterator<unknown>;
  };
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === "atomic") return atomic;
      if (prop === "list") return list;
      // the database outlives the service: its close is a no-op, the world closes it
      if (prop === "close") return () => {};
      const v = Reflect.get(target, prop, target);
      if (typeof v !== "function") return v;
      return (...args: unknown[]) => gate(() => v.apply(target, args));
    },
  });
}

function freePort(): number {
  const l = Deno.listen({ port: 0, hostname: "127.0.0.1" });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Starts the emulator, the chats, the settings and the service. */
export async function startChaosWorld(o: ChaosWorldOptions): Promise<ChaosWorld> {
  // Why webhookPorts: the service receives its webhook on a random local port
  const emu = await startEmulator({
    timeScale: SCALE,
    limits: true,
    autoForwardDelay: { min: 0, max: 5 },
    webhookPorts: "any",
  });
  const owner = emu.createUser({ firstName: "Olga", username: "owner", languageCode: "en" });
  const clientBot = emu.createBot({ username: "chaos_client_bot" });
  const managerBot = emu.createBot({ username: "chaos_manager_bot" });
  const settingsBot = emu.createBot({ username: "chaos_settings_bot" });
  const { channelId, groupId } = helpdeskChats(emu, owner.id, [clientBot, managerBot]);
  const desks = [
    { channelId, groupId },
    helpdeskChats(emu, owner.id, [clientBot, managerBot], {
      channel: "Delivery tickets",
      group: "Delivery chat",
    }),
  ];
  const chatsOf = (t: { desk?: number }) => desks[t.desk ?? 0] ?? desks[0]!;
  const managers = ["Maria", "Ivan"].map((name) => {
    const u = emu.createUser({ firstName: name, languageCode: "ru" });
    for (const d of desks) {
      emu.setMember(d.channelId, u.id, { status: "member" });
      emu.setMember(d.groupId, u.id, { status: "member" });
    }
    // they use the manager bot (an admin can add back only someone who started it)
    emu.userStartBot(u.id, managerBot.id);
    return { id: u.id, name };
  });
  const dir = o.process ? await Deno.makeTempDir({ prefix: "chaos_" }) : null;
  const kvPath = dir ? `${dir}/kv.sqlite` : ":memory:";
  const kv = await Deno.openKv(kvPath);
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 9, 0));
  await updateSettings(kv, 0, clock.now(), () => ({
    clientBotToken: clientBot.token,
    managerBotToken: managerBot.token,
    clientBotId: clientBot.id,
    managerBotId: managerBot.id,
    clientBotUsername: clientBot.username,
    managerBotUsername: managerBot.username,
    channelId,
    groupId,
    open: true,
    topics: o.topics,
    desks: o.topics[1] === undefined ? [] : [{
      id: 1,
      ...desks[1]!,
      title: "Delivery tickets",
      topics: [o.topics[1]],
    }],
  }));
  await registerManagers(kv, managers, owner.id, clock.now());

  // Telegram as every service sees it: requests of a dead one never return
  const lives: Life[] = [];
  let closing = false;
  const stopRequests = new AbortController();
  const api = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    async (req) => {
      const url = new URL(req.url);
      const [, tag, ...rest] = url.pathname.split("/");
      const life = lives[Number(tag?.slice(1))];
      if (!life) return new Response("no such service", { status: 404 });
      if (life.dead) return await dead();
      const body = req.method === "GET" ? undefined : await req.arrayBuffer();
      // a request the service gave up on (a stopped poll) is given up at Telegram too
      const res = await fetch(`${emu.apiRoot}/${rest.join("/")}${url.search}`, {
        method: req.method,
        headers: req.headers,
        signal: req.signal,
        ...(body ? { body } : {}),
      }).catch(() => null);
      if (!res) {
        if (life.dead) return await dead();
        // nobody reads the answer of a request its sender gave up on
        return req.signal.aborted ? new Response(null, { status: 499 }) : broken();
      }
      let out: ArrayBuffer;
      try {
        out = await res.arrayBuffer();
      } catch {
        // Telegram dropped the connection mid-answer: so does the service's side
        return life.dead ? await dead() : broken();
      }
      if (life.dead) return await dead();
      return new Response(out, { status: res.status, headers: res.headers });
    },
  );
  /** A dead service's request: answered only when the world ends, long after it was killed. */
  const dead = () =>
    new Promise<Response>((resolve) => {
      const end = () => resolve(new Response("the world ended", { status: 502 }));
      if (closing) end();
      else stopRequests.signal.addEventListener("abort", end, { once: true });
    });
  const apiRoot = (i: number) => `http://127.0.0.1:${(api.addr as Deno.NetAddr).port}/i${i}`;

  // the webhook's stable address: what Telegram reaches is whichever service runs now
  const hook = o.mode === "webhook"
    ? Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
      const life = lives.at(-1);
      if (!life || life.dead || !(life.app || life.proc)) {
        return new Response("the service is down", { status: 502 });
      }
      const url = new URL(req.url);
      try {
        const res = await fetch(`http://127.0.0.1:${life.port}${url.pathname}${url.search}`, {
          method: req.method,
          headers: req.headers,
          body: await req.arrayBuffer(),
          signal: life.requests.signal,
        });
        return new Response(await res.arrayBuffer(), { status: res.status, headers: res.headers });
      } catch {
        // the process died with the request open: Telegram sees the connection drop
        return new Response("connection lost", { status: 502 });
      }
    })
    : null;

  const hookEnv: Record<string, string> = hook
    ? {
      WEBHOOK_URL: `http://127.0.0.1:${(hook.addr as Deno.NetAddr).port}`,
      WEBHOOK_SECRET: SECRET,
    }
    : {};
  const exits: string[] = [];
  /** `main.ts` as a process on the KV file; resolves once it takes updates. */
  const spawn = async (life: Life) => {
    const proc = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("../../main.ts", import.meta.url).pathname],
      env: {
        TELEGRAM_API_ROOT: emu.apiRoot,
        SETTINGS_BOT_TOKEN: settingsBot.token,
        ADMIN_IDS: String(owner.id),
        KV_PATH: kvPath,
        BOT_MODE: o.mode,
        LOG_LEVEL: "warn",
        TELEGRAM_TIME_SCALE: String(SCALE),
        PORT: String(life.port),
        ...hookEnv,
      },
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    life.proc = proc;
    const last: string[] = [];
    // its log, line by line, until it dies
    const reading = (async () => {
      let rest = "";
      for await (const chunk of proc.stderr.pipeThrough(new TextDecoderStream())) {
        const lines = (rest + chunk).split("\n");
        rest = lines.pop()!;
        for (const l of lines) {
          if (life.dead) continue;
          o.log(l);
          last.push(l);
          if (last.length > 5) last.shift();
        }
      }
    })();
    void proc.status.then(async (st) => {
      await reading.catch(() => {});
      if (!life.dead && !closing) {
        exits.push(`the service exited with ${st.code} unasked: ${last.join("\n")}`);
      }
    });
    // it takes updates once the settings bot polls, or its webhook server answers
    await until(
      async () => {
        if (o.mode === "polling") return emu.isPolling(settingsBot.id);
        return await fetch(`http://127.0.0.1:${life.port}/`).then(async (r) => {
          await r.body?.cancel();
          return true;
        }, () => false);
      },
      "the service process taking updates",
      30_000,
    );
  };
  const start = async () => {
    const life: Life = {
      app: null,
      dead: false,
      port: freePort(),
      requests: new AbortController(),
    };
    lives.push(life);
    const i = lives.length - 1;
    if (o.process) return await spawn(life);
    const config = parseConfig({
      TELEGRAM_API_ROOT: apiRoot(i),
      SETTINGS_BOT_TOKEN: settingsBot.token,
      ADMIN_IDS: String(owner.id),
      KV_PATH: ":memory:",
      BOT_MODE: o.mode,
      // Telegram's seconds as the emulator counts them (leases and waits scale with them)
      TELEGRAM_TIME_SCALE: String(SCALE),
      PORT: String(life.port),
      ...hookEnv,
    });
    life.app = await startApp(config, {
      log: createLogger("warn", (line) => {
        if (!life.dead) o.log(line);
      }),
      kv: mortalKv(kv, life),
      clock,
      limits: { ...TELEGRAM_LIMITS, timeScale: SCALE },
      pollTimeoutSec: 1,
      albumWindowMs: 60,
    });
  };
  await start();

  const current = () => lives.at(-1)!;
  const revokedTokens: string[] = [];
  const clientView = (userId: number) => emu.view(userId, clientBot.id);
  return {
    mode: o.mode,
    emu,
    kv,
    clock,
    clientBot,
    managerBot,
    settingsBot,
    owner,
    channelId,
    groupId,
    desks,
    chatsOf,
    managers,
    app: () => current().app,
    exits,
    kills: () => lives.length - 1,
    revokedTokens,
    rotateToken(bot) {
      const rec = emu.world.bots.get(bot.id)!;
      const token = `${bot.id}:BB${crypto.randomUUID().replaceAll("-", "").slice(0, 33)}`;
      revokedTokens.push(rec.token);
      emu.world.botsByToken.delete(rec.token);
      rec.token = token;
      emu.world.botsByToken.set(token, rec);
      bot.token = token;
    },
    async kill() {
      const life = current();
      life.dead = true;
      life.requests.abort();
      if (life.proc) {
        life.proc.kill("SIGKILL");
        await life.proc.status;
      }
      await start();
    },
    async idle() {
      await current().app?.idle();
    },
    drained(bot) {
      if (o.mode === "polling") return emu.isPolling(bot.id);
      return emu.world.bots.get(bot.id)!.updates.pending === 0;
    },
    async newClient(name, languageCode = "ru") {
      const u = emu.createUser({ firstName: name, username: name.toLowerCase(), languageCode });
      emu.userStartBot(u.id, clientBot.id);
      await until(() => clientView(u.id).length >= 2, `${name}'s greeting`);
      return { id: u.id };
    },
    clientView,
    settingsView(userId) {
      try {
        return emu.view(userId, settingsBot.id);
      } catch {
        return []; // never wrote to the settings bot
      }
    },
    async thread(n) {
      const t = await getTicket(kv, n);
      if (!t?.threadId) return [];
      return emu.threadView(chatsOf(t).groupId, t.threadId).filter((m) => m.id !== t.threadId);
    },
    async stop() {
      await current().app?.stop();
      closing = true;
      const proc = current().proc;
      if (proc) {
        // the run is over and checked: nothing of the process is needed any more
        proc.kill("SIGKILL");
        await proc.status;
      }
      stopRequests.abort();
      await hook?.shutdown();
      await api.shutdown();
      await emu.close();
      kv.close();
      if (dir) await Deno.remove(dir, { recursive: true });
    },
  };
}
