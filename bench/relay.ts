/**
 * Relay overhead: clients with open tickets send messages (emulator limits off); we measure
 * messages per second until each is a comment in its thread, and latency per message. A bare
 * grammY bot that only copies each message into a group, with the same concurrency, against
 * the same emulator in the same process, is the ceiling; our throughput is printed as a
 * ratio of it.
 *
 * @module
 */
import process from "node:process";
import { Bot } from "grammy";
import type { Update } from "grammy/types";
import { chatKeyOf } from "../src/runtime/poller.ts";
import { getTicket } from "../src/storage/tickets.ts";
import { type Sandbox, startSandbox } from "../scripts/sandbox.ts";
import { until as waitUntil } from "../scripts/until.ts";
import { fig, type Figure, percentile, until } from "./common.ts";
import { countingKv, discardingKv } from "./kv_count.ts";

/** Opens one ticket per client through the client bot; returns thread roots by client id. */
export async function openTickets(
  s: Sandbox,
  n: number,
  /** Filled with each client's thread group (the group of the desk its topic went to). */
  groupOf?: Map<number, number>,
): Promise<Map<number, number>> {
  const { emu } = s;
  const bot = s.bots.client.id;
  const clients = Array.from({ length: n }, (_, i) => emu.createUser({ firstName: `Client${i}` }));
  const roots = new Map<number, number>();
  const view = (id: number) => emu.view(id, bot);
  await Promise.all(clients.map(async (c, i) => {
    emu.userStartBot(c.id, bot);
    await waitUntil(() => view(c.id).length >= 2, "greeting", 120_000);
    emu.userSend(c.id, bot, { text: "/new" });
    // the prompts in either language (a user without a language gets the default one)
    await waitUntil(
      () => view(c.id).some((m) => /тему|the topic/.test(m.text ?? "")),
      "topic",
      120_000,
    );
    emu.userSend(c.id, bot, { text: `Topic ${i}` });
    await waitUntil(
      () => view(c.id).some((m) => /(Тема|Topic): Topic/.test(m.text ?? "")),
      "prompt",
      120_000,
    );
    emu.userSend(c.id, bot, { text: "start" });
  }));
  const { getClient } = await import("../src/storage/people.ts");
  await Promise.all(clients.map(async (c) => {
    await waitUntil(
      async () => {
        const n = (await getClient(s.kv, c.id))?.currentTicket;
        const t = n ? await getTicket(s.kv, n) : null;
        if (!t?.threadId) return false;
        roots.set(c.id, t.threadId);
        const group = s.desks[t.desk ?? 0]!.groupId;
        groupOf?.set(c.id, group);
        return emu.threadView(group, t.threadId).length >= 2;
      },
      "ticket thread",
      600_000,
    );
  }));
  return roots;
}

interface Run {
  ms: number;
  latencies: number[];
  /** CPU time of the whole process (every thread: JS, HTTP, KV) during the run, in ms. */
  cpuMs: number;
}

async function sendAndWait(
  s: { emu: Sandbox["emu"] },
  senders: number[],
  botId: number,
  groupId: number,
  total: number,
  authorId: number,
): Promise<Run> {
  const sent = new Map<string, number>();
  const latencies: number[] = [];
  let seen = 0;
  const stop = s.emu.onMessage((m) => {
    if (m.chatId !== groupId || m.authorId !== authorId || !m.text?.startsWith("b")) return;
    const t0 = sent.get(m.text);
    if (t0 === undefined) return;
    latencies.push(performance.now() - t0);
    seen++;
  });
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < total; i++) {
    const text = `b${i}`;
    sent.set(text, performance.now());
    s.emu.userSend(senders[i % senders.length]!, botId, { text });
    if (i % 50 === 49) await new Promise((r) => setTimeout(r, 0));
  }
  await until(() => seen >= total, "all relayed", 600_000);
  const cpu = process.cpuUsage(cpu0);
  stop();
  return { ms: performance.now() - start, latencies, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** The ceiling: a bare grammY bot copying each message into a group, same concurrency. */
async function bareBot(s: Sandbox, clients: number, total: number): Promise<Run> {
  const { emu } = s;
  const b = emu.createBot({ username: "bare_copy_bot" });
  const owner = s.owner.id;
  const group = emu.createGroup({ title: "Bare", ownerId: owner }).id;
  emu.setMember(group, b.id, { status: "administrator" });
  const users = Array.from({ length: clients }, (_, i) => emu.createUser({ firstName: `B${i}` }));
  for (const u of users) emu.userStartBot(u.id, b.id);
  const bot = new Bot(b.token, { client: { apiRoot: emu.apiRoot } });
  bot.on("message:text", async (ctx) => {
    if (ctx.message.text.startsWith("/")) return;
    await ctx.api.copyMessage(group, ctx.chat.id, ctx.message.message_id);
  });
  await bot.init();
  const chains = new Map<string, Promise<void>>();
  let running = true;
  let slots = 64;
  const waiters: Array<() => void> = [];
  const loop = (async () => {
    let offset = 0;
    while (running) {
      const ups: Update[] = await bot.api.getUpdates({ offset, timeout: 1 });
      for (const u of ups) {
        offset = u.update_id + 1;
        if (slots === 0) await new Promise<void>((r) => waiters.push(r));
        else slots--;
        const key = chatKeyOf(u);
        const run = (chains.get(key) ?? Promise.resolve()).then(() => bot.handleUpdate(u)).catch(
          () => {},
        )
          .finally(() => {
            const w = waiters.shift();
            if (w) w();
            else slots++;
          });
        chains.set(key, run);
      }
    }
  })();
  const r = await sendAndWait(s, users.map((u) => u.id), b.id, group, total, b.id);
  running = false;
  await loop;
  return r;
}

/** Runs the scenario. */
export async function benchRelay(quick: boolean): Promise<Figure[]> {
  const total = quick ? 500 : 2000;
  // 25 messages each: under the flood guard's 30 a minute per client (with 50 clients the
  // full run's 40 each were refused in part and it never finished)
  const clients = total / 25;
  const dir = await Deno.makeTempDir();
  // the service's KV handle counts what it is asked (the storage API stays as it is)
  let counter: ReturnType<typeof countingKv> | null = null;
  // and, for the last run only, drops the writes (what the rest of the relay costs)
  let dropping: ReturnType<typeof discardingKv> | null = null;
  const s = await startSandbox({
    limits: false,
    kvPath: `${dir}/kv.sqlite`,
    timeScale: 1,
    wrapKv: (kv) => (counter = countingKv((dropping = discardingKv(kv)).kv)).kv,
  });
  try {
    // a second set of clients for the run without writes: the first set's flood meters are
    // full for the minute, and a meter that is never written would not be read back anyway
    const all = await openTickets(s, clients * 2);
    const roots = new Map([...all].slice(0, clients));
    const others = [...all.keys()].slice(clients);
    await s.app.deps.outbox.idle();
    const baseline = await bareBot(s, clients, total);
    counter!.reset();
    const since = Date.now();
    const ours = await sendAndWait(
      s,
      [...roots.keys()],
      s.bots.client.id,
      s.groupId,
      total,
      s.bots.client.id,
    );
    // what finishes after the last comment is seen (the copies' records) belongs to the run too
    await s.app.deps.outbox.idle();
    const counts = { ...counter!.counts };
    const doneAt = Date.now();
    dropping!.discard = true;
    const unwritten = await sendAndWait(
      s,
      others,
      s.bots.client.id,
      s.groupId,
      total,
      s.bots.client.id,
    );
    await s.app.deps.outbox.idle();
    dropping!.discard = false;
    const per = (n: number) => +(n / total).toFixed(2);
    const kv = counts;
    console.error(
      "relay: KV reads per message by key prefix",
      Object.fromEntries(
        Object.entries(kv.readsBy).sort(([, a], [, b]) => b - a).map(([k, v]) => [k, per(v)]),
      ),
    );
    console.error(
      "relay: KV keys written per message by key prefix",
      Object.fromEntries(
        Object.entries(kv.writesBy).sort(([, a], [, b]) => b - a).map(([k, v]) => [k, per(v)]),
      ),
    );
    const calls = [s.bots.client.id, s.bots.manager.id].flatMap((id) => s.emu.calls(id))
      .filter((c) => c.time >= since && c.time < doneAt && c.method !== "getUpdates");
    const oursRate = total / (ours.ms / 1000);
    const baseRate = total / (baseline.ms / 1000);
    return [
      fig("relay", "KV commits per relayed message", per(kv.commits), "1/msg"),
      fig("relay", "KV reads per relayed message", per(kv.reads), "1/msg"),
      fig("relay", "KV entries read per relayed message", per(kv.readKeys), "1/msg"),
      fig("relay", "API calls per delivered message", per(calls.length), "1/msg"),
      fig("relay", "messages", total, "msgs"),
      fig("relay", "throughput", Math.round(oursRate), "msg/s"),
      fig("relay", "latency p50", Math.round(percentile(ours.latencies, 50)), "ms"),
      fig("relay", "latency p99", Math.round(percentile(ours.latencies, 99)), "ms"),
      fig("relay", "bare grammY copy bot", Math.round(baseRate), "msg/s"),
      // CPU per message, both in the same process: steadier than the rates on a shared machine
      fig("relay", "CPU per relayed message", Math.round(ours.cpuMs * 1000 / total), "us"),
      fig("relay", "CPU per bare copy", Math.round(baseline.cpuMs * 1000 / total), "us"),
      fig("relay", "ratio to bare bot", +(oursRate / baseRate).toFixed(3), "x", {
        op: ">=",
        v: 0.8,
      }),
      // the same relay with every KV write dropped: what the durable writes cost, and what the
      // rest (reads, handlers, grammY, the outbox) would leave even without any
      fig(
        "relay",
        "throughput, KV writes dropped",
        Math.round(total / (unwritten.ms / 1000)),
        "msg/s",
      ),
      fig(
        "relay",
        "CPU per message, KV writes dropped",
        Math.round(unwritten.cpuMs * 1000 / total),
        "us",
      ),
      fig(
        "relay",
        "ratio to bare bot, KV writes dropped",
        +(total / (unwritten.ms / 1000) / baseRate).toFixed(3),
        "x",
      ),
    ];
  } finally {
    await s.stop();
    await Deno.remove(dir, { recursive: true });
  }
}
