/**
 * The Deno Deploy rehearsal on one machine: several instances of the service (`main.ts`, real
 * processes, BOT_MODE=webhook) on ONE shared KV file, behind a small router that sends each
 * webhook request to a random live instance, against the emulator's webhook delivery (one
 * queue per chat, redelivery after a failed request) with Telegram's limits on. Customers
 * write into their tickets while a manager answers in the threads; one instance is killed
 * (SIGKILL) in the middle and a new one started, the owner may rotate the client bot's token
 * through whichever instance serves the settings bot; then the minute job runs on every instance
 * at once (SIGUSR2, see main.ts) and the settings bot is asked for /status. Counts what was
 * lost, repeated or reordered in each direction. Used by tests/deploy_test.ts and the
 * `deploy` benchmark; `deno run -A scripts/deploy_rehearsal.ts` prints one run.
 *
 * It stays one file over 400 lines: it is one scenario run from top to bottom (start, write, kill,
 * restart, rotate, count), its steps sharing the instances and the counts.
 *
 * @module
 */
import { serviceWorld } from "./service_world.ts";
import { until as untilHolds } from "./until.ts";
import { startEmulator, type ViewMessage } from "../src/emulator/mod.ts";

/** Options of {@linkcode runDeployRehearsal}. */
export interface DeployOptions {
  /** Real seconds per Telegram second. */
  timeScale: number;
  /** Instances running at once. */
  instances: number;
  /** Customers, each with a ticket of their own. */
  clients: number;
  /** Messages each customer writes, and answers the manager writes into each ticket. */
  rounds: number;
  /** Telegram ms between two rounds. */
  everyMs: number;
  /** Instances killed (and replaced) during the load, spread over it. */
  kills: number;
  /**
   * The round after which the owner rotates the client bot's token (revoked in BotFather,
   * pasted into the settings bot, served by whichever instance); the load pauses meanwhile.
   */
  rotateAt?: number;
  /** Real ms allowed for everything to arrive after the load. */
  drainTimeoutMs?: number;
}

/** What reached one side: written, missing, extra copies, pairs out of order. */
export interface Direction {
  sent: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
}

/** The outcome of a rehearsal. */
export interface DeployResult {
  /** Customers' messages into the tickets' threads. */
  toThreads: Direction;
  /** The manager's answers to the customers. */
  toCustomers: Direction;
  kills: number;
  /** Real ms from the last message written to the last one delivered. */
  drainMs: number;
  /** The settings bot answered /status during the run. */
  settingsAnswered: boolean;
  /** The settings bot confirmed the rotated token (when one was asked for). */
  rotated: boolean;
  /**
   * The client bot, stopped by the owner through whichever instance served the press, stayed
   * stopped on every instance: a customer's message written then was not handled.
   */
  stopHeld: boolean;
  /** Started again the same way, every instance served it: the waiting message arrived. */
  startedAgain: boolean;
  /** 429 answers Telegram gave (instances pace on their own, so some are expected). */
  r429: number;
  /** setWebhook calls of all bots (each instance finds the webhooks already set). */
  setWebhookCalls: number;
  /** Minute jobs the instances started on the signal. */
  cronRuns: number;
  /** Error lines the instances logged, and anything on stderr that is not a log record. */
  errors: string[];
  /**
   * Client bot starts refused for the revoked token while the rotation was under way (from the
   * revocation to a few seconds after the settings bot confirmed the new token): an instance
   * restarting then reads the old token, as the chaos suite allows too; not in `errors`.
   */
  rotationRefusals: number;
}

/** After the new token is confirmed, how long a start begun with the old one may still end. */
const ROTATION_SLACK_MS = 5_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// processes start and the load runs on a shared machine: a minute before a wait gives up
const until = (cond: () => boolean, what: string, timeoutMs = 60_000) =>
  untilHolds(cond, what, timeoutMs, { everyMs: 20 });

/** The customer messages a comment carries: each part of a coalesced one, or its text. */
function partsOf(m: ViewMessage): string[] {
  const text = m.text ?? "";
  // a coalesced comment: "HH:MM:SS text" lines
  return /^\d\d:\d\d:\d\d /.test(text) ? text.split("\n").map((l) => l.slice(9)) : [text];
}

function freePort(): number {
  const l = Deno.listen({ port: 0, hostname: "127.0.0.1" });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/**
 * Counts one side: each writer's texts in the order written against the messages that arrived,
 * each with the texts it carries (a coalesced comment carries several). A repeat is a message
 * carrying a text seen before (sent again after a kill, a coalesced one may carry more parts
 * than the first time).
 */
function count(written: string[][], arrived: string[][][]): Direction {
  let sent = 0, lost = 0, duplicated = 0, outOfOrder = 0;
  for (const [i, texts] of written.entries()) {
    const seen = new Set<string>();
    const firsts: string[] = [];
    for (const parts of arrived[i] ?? []) {
      if (parts.some((t) => seen.has(t))) duplicated++;
      for (const t of parts) if (!seen.has(t)) firsts.push(t), seen.add(t);
    }
    sent += texts.length;
    lost += texts.filter((t) => !seen.has(t)).length;
    // order of first arrivals against the order written: adjacent pairs reversed
    const rank = new Map(texts.map((t, k) => [t, k]));
    const order = firsts.filter((t) => rank.has(t)).map((t) => rank.get(t)!);
    for (let k = 1; k < order.length; k++) if (order[k]! < order[k - 1]!) outOfOrder++;
  }
  return { sent, lost, duplicated, outOfOrder };
}

/** Runs the rehearsal. */
export async function runDeployRehearsal(o: DeployOptions): Promise<DeployResult> {
  const emu = await startEmulator({ timeScale: o.timeScale, limits: true, webhookPorts: "any" });
  const dir = await Deno.makeTempDir();
  const kvPath = `${dir}/kv.sqlite`;
  const world = await serviceWorld(emu, {
    kvPath,
    prefix: "deploy",
    timeScale: o.timeScale,
    withManager: true,
  });
  const { owner, groupId } = world;
  const maria = world.manager!;
  const { client: clientBot, settings: settingsBot } = world.bots;
  const bots = [world.bots.client, world.bots.manager, world.bots.settings];

  // the router: Deno Deploy's front door, sending each request to any live instance
  const live: number[] = [];
  const routerPort = freePort();
  const router = Deno.serve(
    { port: routerPort, hostname: "127.0.0.1", onListen: () => {} },
    async (req) => {
      const port = live[Math.floor(Math.random() * live.length)];
      if (port === undefined) return new Response("no instance", { status: 503 });
      const url = new URL(req.url);
      try {
        const res = await fetch(`http://127.0.0.1:${port}${url.pathname}`, {
          method: req.method,
          headers: req.headers,
          body: await req.arrayBuffer(),
        });
        return new Response(await res.arrayBuffer(), { status: res.status });
      } catch {
        // the instance died with the request: Telegram sees a failed request and redelivers
        return new Response("instance gone", { status: 502 });
      }
    },
  );

  interface Instance {
    port: number;
    proc: Deno.ChildProcess;
    log: Promise<string>;
  }
  const instances: Instance[] = [];
  const killed: Instance[] = [];
  const ready = new Set<number>();
  const probe = setInterval(() => {
    for (const i of instances) {
      if (ready.has(i.port)) continue;
      fetch(`http://127.0.0.1:${i.port}/`).then(async (r) => {
        await r.body?.cancel();
        ready.add(i.port);
      }, () => {});
    }
  }, 50);
  const killAndLog = async (i: Instance): Promise<string> => {
    try {
      i.proc.kill("SIGKILL");
    } catch { /* gone */ }
    await i.proc.status;
    return await i.log;
  };
  const startOne = async (): Promise<Instance> => {
    const port = freePort();
    const proc = world.start({
      stderr: "piped",
      env: {
        BOT_MODE: "webhook",
        WEBHOOK_URL: `http://127.0.0.1:${routerPort}`,
        WEBHOOK_SECRET: "rehearsal-secret-rehearsal-secret",
        PORT: String(port),
        LOG_LEVEL: "info",
      },
    });
    const inst: Instance = { port, proc, log: new Response(proc.stderr).text() };
    instances.push(inst);
    try {
      await until(() => ready.has(port), "an instance listening", 60_000);
    } catch {
      throw new Error(`instance on ${port} did not start: ${await killAndLog(inst)}`);
    }
    live.push(port);
    return inst;
  };
  try {
    // one instance first: it registers the webhooks; the others find them set
    await startOne();
    await Promise.all(Array.from({ length: o.instances - 1 }, () => startOne()));

    // the owner opens the settings bot (served, like everything, by any instance)
    emu.userStartBot(owner.id, settingsBot.id);
    await until(() => emu.view(owner.id, settingsBot.id).some((m) => !m.outgoing), "settings");

    const clients = Array.from(
      { length: o.clients },
      (_, i) => emu.createUser({ firstName: `C${i}`, languageCode: "ru" }),
    );
    const view = (u: { id: number }) => emu.view(u.id, clientBot.id);
    const roots: number[] = [];
    const numbers: number[] = [];
    await Promise.all(clients.map(async (c, i) => {
      emu.userStartBot(c.id, clientBot.id);
      await until(() => view(c).length >= 2, "greeting");
      emu.userSend(c.id, clientBot.id, { text: "/new" });
      await until(() => view(c).some((m) => /тему/.test(m.text ?? "")), "topic");
      emu.userSend(c.id, clientBot.id, { text: `Тема ${i}` });
      await until(() => view(c).some((m) => /Тема: Тема/.test(m.text ?? "")), "prompt");
      emu.userSend(c.id, clientBot.id, { text: `q${i}` });
      await until(() => view(c).some((m) => /#\d+ ·/.test(m.text ?? "")), "header");
      const n = Number(view(c).find((m) => /#\d+ ·/.test(m.text ?? ""))!.text!.match(/#(\d+)/)![1]);
      numbers[i] = n;
      let root: number | undefined;
      await until(() => {
        const post = emu.view(owner.id, world.channelId).find((m) => m.text?.includes(`#${n}\n`));
        root = post ? emu.threadRootOf(world.channelId, post.id)?.messageId : undefined;
        return root !== undefined && emu.threadView(groupId, root).length >= 2;
      }, "thread");
      roots[i] = root!;
    }));

    // the customers' messages in the threads, per comment: written by either bot (the manager
    // bot writes texts too when the client bot's budget is spent), several in a coalesced one
    const writers = new Set([clientBot.id, world.bots.manager.id]);
    const threadComments = (i: number): string[][] =>
      emu.threadView(groupId, roots[i]!).filter((m: ViewMessage) =>
        m.id !== roots[i] && writers.has(m.sender.id)
      ).map((m) => partsOf(m).filter((t) => /^c\d+-\d+$/.test(t))).filter((ps) => ps.length);
    const threadTexts = (i: number): string[] => threadComments(i).flat();
    const answers = (i: number): string[][] =>
      view(clients[i]!).filter((m) => m.sender.id === clientBot.id).map((m) =>
        (m.text ?? "").replace(/^#\d+\n/, "")
      ).filter((t) => /^m\d+-\d+$/.test(t)).map((t) => [t]);
    const answerTexts = (i: number): string[] => answers(i).flat();

    /**
     * The owner stops the client bot in the settings bot (served, like every request, by any
     * instance), a customer writes, then the owner starts the bot again: the stop must hold on
     * every instance (the message waits at Telegram) and the start reach all of them.
     */
    const stopAndStart = async (): Promise<{ stopHeld: boolean; startedAgain: boolean }> => {
      const buttons = (m: ViewMessage): string[] =>
        ((m.replyMarkup as { inline_keyboard?: { callback_data?: string }[][] } | undefined)
          ?.inline_keyboard ?? []).flat().map((b) => b.callback_data ?? "");
      const press = async (data: string, after: number) => {
        let at: ViewMessage | undefined;
        await until(() => {
          at = emu.view(owner.id, settingsBot.id).findLast((m) =>
            m.id > after && !m.outgoing && buttons(m).includes(data)
          );
          return at !== undefined;
        }, `the settings bot's button ${data}`);
        emu.userPressButton(owner.id, settingsBot.id, at!.id, data);
      };
      const shows = (text: string, after: number) =>
        until(
          () =>
            emu.view(owner.id, settingsBot.id).some((m) =>
              m.id > after && !m.outgoing && m.text?.includes(text)
            ),
          `the settings bot showing "${text}"`,
        );
      const mark = () => emu.view(owner.id, settingsBot.id).at(-1)?.id ?? 0;
      const customer = clients[0]!;
      const arrived = () =>
        emu.threadView(groupId, roots[0]!).some((m) =>
          writers.has(m.sender.id) && partsOf(m).includes("s0")
        );
      const start = mark();
      emu.userSend(owner.id, settingsBot.id, { text: "/menu" });
      await press("s:bots", start);
      await press("s:stop:client", start);
      await press("s:stop_yes:client", start);
      await shows("Бот для клиентов: остановлен", start);
      // the other instances read the settings again within a second (their cache's life)
      await sleep(1_200);
      const answersBefore = view(customer).length;
      emu.userSend(customer.id, clientBot.id, { text: "s0" });
      // Telegram redelivers the refused update, to random instances, several times meanwhile
      await sleep(1_500);
      const stopHeld = !arrived() && view(customer).length === answersBefore + 1;
      const again = mark();
      await press("s:restart:client", start);
      await shows("Бот для клиентов: работает", again);
      const startedAgain = await until(arrived, "the message written while stopped").then(
        () => true,
        () => false,
      );
      return { stopHeld, startedAgain };
    };

    // the two-way load, with the kills spread over it
    const toThreads: string[][] = clients.map(() => []);
    const toCustomers: string[][] = clients.map(() => []);
    const killAt = new Set(
      Array.from({ length: o.kills }, (_, k) => Math.floor((o.rounds * (k + 1)) / (o.kills + 1))),
    );
    let rotated = false;
    /** Real time (epoch ms) from the revocation to the new token's confirmation. */
    let rotation: { from: number; to: number } | null = null;
    const r429Before = bots.reduce((n, b) => n + emu.tooManyRequests(b.id), 0);
    for (let k = 0; k < o.rounds; k++) {
      for (const [i, c] of clients.entries()) {
        const text = `c${i}-${k}`;
        toThreads[i]!.push(text);
        emu.userSend(c.id, clientBot.id, { text });
        const answer = `m${i}-${k}`;
        toCustomers[i]!.push(answer);
        emu.userSend(maria.id, groupId, { text: answer }, { replyTo: roots[i]! });
      }
      if (k === o.rotateAt) {
        // the owner revokes the token in BotFather, then pastes the new one
        const from = Date.now();
        const rec = emu.world.bots.get(clientBot.id)!;
        const token = `${clientBot.id}:BB${crypto.randomUUID().replaceAll("-", "").slice(0, 33)}`;
        emu.world.botsByToken.delete(rec.token);
        rec.token = token;
        emu.world.botsByToken.set(token, rec);
        const before = emu.view(owner.id, settingsBot.id).length;
        emu.userSend(owner.id, settingsBot.id, { text: token });
        await until(
          () =>
            emu.view(owner.id, settingsBot.id).slice(before).some((m) =>
              !m.outgoing && /@deploy_client_bot/.test(m.text ?? "")
            ),
          "the rotated token saved",
          30_000,
        ).then(() => (rotated = true), () => {});
        rotation = { from, to: Date.now() };
      }
      if (killAt.has(k)) {
        // the victim: any running instance, killed with requests and sends in hand
        const victim = instances.filter((i) => live.includes(i.port))[
          Math.floor(Math.random() * live.length)
        ]!;
        live.splice(live.indexOf(victim.port), 1);
        victim.proc.kill("SIGKILL");
        await victim.proc.status;
        killed.push(victim);
        // a new instance comes up while the load goes on
        void startOne().catch(() => {});
      }
      await sleep(o.everyMs * o.timeScale);
    }
    const loadEnd = performance.now();
    // the minute job on every instance at once (Deno Deploy would run it on one; overlap is
    // what must be harmless)
    await until(() => live.length === o.instances, "the replacement instances", 60_000);
    for (const i of instances) if (live.includes(i.port)) i.proc.kill("SIGUSR2");

    // the settings bot, served by whichever instance the router picks
    emu.userSend(owner.id, settingsBot.id, { text: "/status" });
    const settingsView = () => emu.view(owner.id, settingsBot.id);
    let settingsAnswered = false;
    const done = () =>
      clients.every((_, i) =>
        new Set(threadTexts(i)).size >= toThreads[i]!.length &&
        new Set(answerTexts(i)).size >= toCustomers[i]!.length
      );
    let drainMs = NaN;
    try {
      await until(done, "everything delivered", o.drainTimeoutMs ?? 120_000);
      drainMs = performance.now() - loadEnd;
    } catch { /* what is missing is counted as lost */ }
    try {
      await until(
        () => settingsView().some((m) => !m.outgoing && m.text?.includes("@deploy_client_bot")),
        "the settings bot's /status",
        30_000,
      );
      settingsAnswered = true;
    } catch { /* reported */ }
    const { stopHeld, startedAgain } = await stopAndStart();
    // a moment for late repeats to show
    await sleep(500);
    const r429 = bots.reduce((n, b) => n + emu.tooManyRequests(b.id), 0) - r429Before;

    const logs = await Promise.all(
      [...instances].map(async (i) => {
        if (live.includes(i.port)) {
          i.proc.kill("SIGTERM");
          await i.proc.status;
        }
        return await i.log;
      }),
    );
    live.length = 0;
    const lines = logs.flatMap((l) => l.split("\n"));
    const debug = Deno.env.get("DEPLOY_DEBUG");
    if (debug) {
      await Deno.writeTextFile(debug, logs.map((l, i) => `=== instance ${i}\n${l}`).join("\n"));
    }
    const cronRuns = lines.filter((l) => l.includes("minute job started by SIGUSR2")).length;
    let rotationRefusals = 0;
    const errors = lines.filter((line) => {
      if (!line.trim()) return false;
      let r: { level?: string; msg?: string; bot?: string; reason?: string; t?: string };
      try {
        r = JSON.parse(line);
      } catch {
        // anything not a log record (a stack trace, a panic) is an error too
        return true;
      }
      if (r.level !== "error") return false;
      const at = r.t ? Date.parse(r.t) : NaN;
      const during = rotation !== null && at >= rotation.from &&
        at <= rotation.to + ROTATION_SLACK_MS;
      if (
        during && r.msg === "bot did not start" && r.bot === "client" &&
        /token rejected/.test(r.reason ?? "")
      ) {
        rotationRefusals++;
        return false;
      }
      return true;
    });
    return {
      toThreads: count(toThreads, clients.map((_, i) => threadComments(i))),
      toCustomers: count(toCustomers, clients.map((_, i) => answers(i))),
      kills: killed.length,
      drainMs: Math.round(drainMs),
      settingsAnswered,
      rotated,
      stopHeld,
      startedAgain,
      r429,
      setWebhookCalls: bots.reduce(
        (n, b) => n + emu.calls(b.id).filter((c) => c.method === "setWebhook").length,
        0,
      ),
      cronRuns,
      errors,
      rotationRefusals,
    };
  } finally {
    clearInterval(probe);
    for (const i of instances) {
      try {
        i.proc.kill("SIGKILL");
      } catch { /* already gone */ }
      await i.proc.status;
      await i.log.catch(() => "");
    }
    await router.shutdown();
    await emu.close();
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  const r = await runDeployRehearsal({
    timeScale: 0.02,
    instances: 3,
    clients: 4,
    rounds: 12,
    everyMs: 3_000,
    kills: 1,
    rotateAt: 3,
  });
  console.log(JSON.stringify(r, null, 2));
}
