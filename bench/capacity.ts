/**
 * Capacity at peak hours: customers write for a stretch of Telegram minutes at a steady rate
 * (stepped up: 20, 50, 100, 200 client messages a minute over 50 tickets) while managers
 * answer, with Telegram's real limits (time-scaled emulator). For each step: client messages
 * delivered per minute, p50 / p95 delay from the client's send to the comment visible in the
 * thread (Telegram seconds), backlog when the customers stop, then, after a bounded drain,
 * what was lost, duplicated or out of order (judged from what the emulator shows the
 * managers), and the 429 answers of every bot.
 *
 * A comment may carry several client messages (coalescing): each part is recognised by its
 * text. Comments by either bot count (the second writer).
 *
 * @module
 */
import { startSandbox } from "../scripts/sandbox.ts";
import { deliveryCounts, fig, type Figure, percentile } from "./common.ts";
import { openTickets } from "./relay.ts";
import type { OutboxLevers } from "../src/services/deps.ts";

const TOKEN = /\bq\d+\b/g;

/** One step of the load. */
export interface StepResult {
  rate: number;
  sent: number;
  deliveredPerMin: number;
  p50Sec: number;
  p95Sec: number;
  backlog: number;
  lost: number;
  duplicated: number;
  disorder: number;
  r429: number;
  /** Client-bot and manager-bot comments carrying client messages. */
  comments: number;
}

/** A small deterministic PRNG (mulberry32): the same load every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs one step: `rate` client messages a Telegram minute for `minutes`. */
export async function capacityStep(
  o: {
    rate: number;
    minutes: number;
    tickets: number;
    scale: number;
    answerEvery: number;
    levers?: Partial<OutboxLevers>;
    /** Desks (1 or more): the tickets' topics are routed to them in turn. */
    desks?: number;
  },
): Promise<StepResult> {
  const { rate, minutes, tickets, scale } = o;
  const desks = o.desks ?? 1;
  const minMs = 60_000 * scale;
  const dir = await Deno.makeTempDir();
  const s = await startSandbox({
    limits: true,
    timeScale: scale,
    kvPath: `${dir}/kv.sqlite`,
    ...(o.levers ? { outboxLevers: o.levers } : {}),
    // ticket i has the topic `Topic i` (bench/relay.ts): desk d takes every i with i % desks = d
    ...(desks > 1
      ? {
        desks: Array.from({ length: desks - 1 }, (_, d) => ({
          topics: Array.from({ length: tickets }, (_, i) => i)
            .filter((i) => i % desks === d + 1).map((i) => `Topic ${i}`),
        })),
      }
      : {}),
  });
  try {
    const groupOf = new Map<number, number>();
    const roots = await openTickets(s, tickets, groupOf);
    await s.app.deps.outbox.idle();
    // start with every window empty
    await sleep(minMs + 50);
    const clients = [...roots.keys()];
    // thread ids are per group: a thread is known by its group and root
    const rootToClient = new Map([...roots].map(([c, r]) => [`${groupOf.get(c)}:${r}`, c]));
    const groups = new Set(groupOf.values());
    const writers = new Set([s.bots.client.id, s.bots.manager.id]);
    const got = new Map<number, string[]>(clients.map((c) => [c, []]));
    const expected = new Map<number, string[]>(clients.map((c) => [c, []]));
    const sentAt = new Map<string, number>();
    const delays: number[] = [];
    let seen = 0;
    let comments = 0;
    let stopAt = Infinity;
    let deliveredInWindow = 0;
    const stop = s.emu.onMessage((m) => {
      if (!groups.has(m.chatId) || !writers.has(m.authorId) || m.threadId === undefined) return;
      const c = rootToClient.get(`${m.chatId}:${m.threadId}`);
      if (c === undefined || !m.text) return;
      const tokens = m.text.match(TOKEN) ?? [];
      if (!tokens.length) return;
      comments++;
      const now = performance.now();
      for (const tk of tokens) {
        got.get(c)!.push(tk);
        const t0 = sentAt.get(tk);
        if (t0 !== undefined) delays.push((now - t0) / (1000 * scale));
        seen++;
        if (now <= stopAt) deliveredInWindow++;
      }
    });
    const before429 = s.emu.tooManyRequests();
    const random = rng(rate);
    const managers = s.managers;
    const start = performance.now();
    const total = Math.round(rate * minutes);
    let i = 0;
    let answers = 0;
    while (i < total) {
      const due = Math.min(total, Math.floor(((performance.now() - start) / minMs) * rate) + 1);
      for (; i < due; i++) {
        const c = clients[Math.floor(random() * clients.length)]!;
        const text = `q${i}`;
        expected.get(c)!.push(text);
        sentAt.set(text, performance.now());
        s.emu.userSend(c, s.bots.client.id, { text });
        // managers answer in the thread now and then (their answers go to the client)
        if (i % o.answerEvery === o.answerEvery - 1) {
          const m = managers[answers++ % managers.length]!;
          s.emu.userSend(m.id, groupOf.get(c)!, { text: `answer ${answers}` }, {
            replyTo: roots.get(c)!,
          });
        }
      }
      await sleep(Math.max(1, minMs / rate / 2));
    }
    stopAt = performance.now();
    const windowMin = (stopAt - start) / minMs;
    const backlog = total - seen;
    // a bounded drain (15 Telegram minutes) to judge loss, duplicates and order
    const drainEnd = performance.now() + 15 * minMs;
    while (seen < total && performance.now() < drainEnd) await sleep(20);
    await sleep(minMs / 6);
    stop();
    const { lost, dup, disorder } = deliveryCounts(clients, expected, got);
    return {
      rate,
      sent: total,
      deliveredPerMin: Math.round(deliveredInWindow / windowMin),
      p50Sec: Math.round(percentile(delays, 50)),
      p95Sec: Math.round(percentile(delays, 95)),
      backlog,
      lost,
      duplicated: dup,
      disorder,
      r429: s.emu.tooManyRequests() - before429,
      comments,
    };
  } finally {
    await s.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Runs the scenario: the rates stepped up, one desk, then two desks (the 50 tickets' topics
 * routed to them in turn) at 100 and 200 a minute. `CAPACITY_DESKS=1` or `2` runs one part.
 */
export async function benchCapacity(quick: boolean): Promise<Figure[]> {
  const only = Deno.env.get("CAPACITY_RATES");
  const rates = only ? only.split(",").map(Number) : quick ? [20, 100] : [20, 50, 100, 200];
  const deskRates = only ? rates : quick ? [200] : [100, 200];
  const onlyDesks = Deno.env.get("CAPACITY_DESKS");
  const steps = [
    ...(onlyDesks === "2" ? [] : rates.map((rate) => ({ rate, desks: 1 }))),
    ...(onlyDesks === "1" ? [] : deskRates.map((rate) => ({ rate, desks: 2 }))),
  ];
  const minutes = quick ? 5 : 10;
  const scale = 0.05;
  // CAPACITY_LEVERS=none|coalesce|second|all (default all): each lever measured on its own
  const which = Deno.env.get("CAPACITY_LEVERS") ?? "all";
  const levers: Partial<OutboxLevers> = {
    coalesce: which === "all" || which === "coalesce",
    secondWriter: which === "all" || which === "second",
  };
  const label = which === "all" ? "" : ` (${which})`;
  const figs: Figure[] = [];
  for (const { rate, desks } of steps) {
    const on = desks > 1 ? `, ${desks} desks` : "";
    console.error(`  capacity${label}: ${rate} client messages a minute${on}…`);
    const r = await capacityStep({
      rate,
      minutes,
      tickets: 50,
      scale,
      answerEvery: 4,
      levers,
      desks,
    });
    const sc = `capacity ${rate}/min${on}${label}`;
    // the targets: one desk 100 a minute, two desks 200
    const target = rate <= 100 * desks;
    figs.push(
      fig(sc, "delivered per minute", r.deliveredPerMin, "msgs/min"),
      fig(sc, "delay p50", r.p50Sec, "s"),
      target
        ? fig(sc, "delay p95", r.p95Sec, "s", { op: "<=", v: 90 })
        : fig(sc, "delay p95", r.p95Sec, "s"),
      fig(sc, "backlog at the end", r.backlog, `of ${r.sent} msgs`),
      fig(sc, "comments carrying them", r.comments, "comments"),
      fig(
        sc,
        "undelivered after a 15 min drain",
        r.lost,
        "msgs",
        target ? { op: "==", v: 0 } : undefined,
      ),
      fig(sc, "duplicated", r.duplicated, "msgs", { op: "==", v: 0 }),
      fig(sc, "out of order", r.disorder, "pairs", { op: "==", v: 0 }),
      fig(sc, "429 answers", r.r429, "calls", { op: "==", v: 0 }),
    );
  }
  return figs;
}
