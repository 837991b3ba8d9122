/**
 * `deno task bench:report [--quick] [--tickets N] [--messages M] [--rounds R] [--kv path]
 * [--json path] [--keep]`: fills a KV file with N tickets (default 100,000) and M messages
 * (default 1,000,000) plus their events, then times a plain full scan of those records against
 * building the report over all of them. Each scan and each report runs in a Deno process of
 * its own (the data generator's memory is not theirs), R times each in turns (default 2),
 * peak memory taken from the kernel's high-water mark. `--quick` is 10k / 100k; `--kv` reuses
 * a file filled before (with `--keep`).
 *
 * It stays one file over 400 lines: the generator, the scan and the report runs are one command
 * whose child processes re-enter this file by flag and share its data shapes.
 *
 * @module
 */
import type { Client, Manager, MessageRecord } from "../src/domain/records.ts";
import { defaultSettings, type Settings } from "../src/domain/settings.ts";
import {
  close,
  managerReplied,
  newTicket,
  type OpenerName,
  rate,
  reopen,
  take,
  type Ticket,
  type TicketEvent,
  transfer,
} from "../src/domain/ticket.ts";
import { K } from "../src/storage/keys.ts";
import { scanAllHistoryRecords } from "../src/storage/report_scan.ts";

/** Options of {@link runReportBench}. */
export interface ReportBenchOptions {
  tickets: number;
  messages: number;
  /** KV file to fill (a fresh temp file when absent); reused as is when it already has data. */
  kvPath?: string;
  /** Keep the KV file and the workbook (their paths are printed). */
  keep?: boolean;
  /** Progress lines on stderr. */
  log?: (line: string) => void;
  /** Scans and reports measured, taking turns (default 2 each). */
  rounds?: number;
}

/** Figures of one run. */
export interface ReportBenchResult {
  scanMs: number;
  reportMs: number;
  /** reportMs / scanMs (medians); the target is at most 1.5. */
  ratio: number;
  /** Peak resident memory of the process that built the report; the target is under 200. */
  peakRssMb: number;
  peakHeapMb: number;
  /** RSS of that process just before the report started, for comparison with the peak. */
  baseRssMb: number;
  /** Peak resident memory of the process that made the plain scan. */
  scanPeakRssMb: number;
  tickets: number;
  messages: number;
  events: number;
  generateMs: number;
  xlsxMb: number;
}

const MANAGERS = 12;
const TOPICS = ["Billing", "Delivery", "Returns", "Technical", "Other"];
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Mutations per atomic operation: well under KV's 1000 per operation and 800 KiB. */
const BATCH_MUTATIONS = 500;

/** A small deterministic PRNG, so every run writes the same data. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function must(r: { ok: true; ticket: Ticket; event: TicketEvent } | { ok: false }) {
  if (!r.ok) throw new Error("bench data: a transition was refused");
  return r;
}

/** Writes the bench data set; returns the period it spans. */
async function generate(
  kv: Deno.Kv,
  tickets: number,
  messages: number,
  now: number,
  log: (line: string) => void,
): Promise<{ from: number; to: number; events: number }> {
  const random = rng(42);
  const span = 120 * DAY;
  const from = now - span;
  const settings: Settings = {
    ...defaultSettings(),
    channelId: -1001000000001,
    groupId: -1001000000002,
    topics: TOPICS,
    holidays: ["2026-01-01", "2026-01-02", "2026-01-07"],
  };
  await kv.set(K.settings(), settings);
  for (let i = 1; i <= MANAGERS; i++) {
    const m: Manager = {
      id: 1000 + i,
      name: `Manager ${i}`,
      lang: "en",
      addedAt: from,
      addedBy: 1,
      active: true,
      mute: [],
    };
    await kv.set(K.manager(m.id), m);
  }
  const clients = Math.max(1, Math.floor(tickets / 4));
  let op = kv.atomic(), mutations = 0, events = 0;
  const flush = async () => {
    if (mutations === 0) return;
    const res = await op.commit();
    if (!res.ok) throw new Error("bench data: commit failed");
    op = kv.atomic();
    mutations = 0;
  };
  const add = async (key: Deno.KvKey, value: unknown) => {
    op.set(key, value);
    if (++mutations >= BATCH_MUTATIONS) await flush();
  };
  const openers: OpenerName[] = [];
  for (let c = 1; c <= clients; c++) {
    const client: Client = {
      id: 10_000_000 + c,
      firstName: `Client${c}`,
      ...(c % 3 ? { lastName: `Surname${c}` } : {}),
      ...(c % 2 ? { username: `client_${c}` } : {}),
      lang: "en",
      createdAt: from,
      currentTicket: null,
      blocked: null,
      unreachable: false,
    };
    await add(K.client(client.id), client);
    // as the client bot keeps it on a ticket it opens (the name Telegram gave)
    openers.push({
      firstName: client.firstName,
      ...(client.lastName ? { lastName: client.lastName } : {}),
      ...(client.username ? { username: client.username } : {}),
    });
  }
  let messagesLeft = messages;
  const started = performance.now();
  for (let n = 1; n <= tickets; n++) {
    // Messages spread evenly, with the remainder over the first tickets.
    const msgCount = Math.floor(messagesLeft / (tickets - n + 1));
    messagesLeft -= msgCount;
    const clientId = 10_000_000 + 1 + Math.floor(random() * clients);
    const createdAt = from + Math.floor(((n - 1) / tickets) * (span - 3 * DAY));
    const made = newTicket({
      number: n,
      topic: TOPICS[n % TOPICS.length]!,
      clientId,
      createdAt,
      opener: openers[clientId - 10_000_001],
    });
    let t = made.ticket;
    const evs: TicketEvent[] = [made.event];
    let mgr = { role: "manager" as const, id: 1001 + Math.floor(random() * MANAGERS) };
    let at = createdAt + Math.floor(random() * 40 * MINUTE) + MINUTE;
    const step = (r: { ticket: Ticket; event: TicketEvent }) => {
      t = r.ticket;
      evs.push(r.event);
    };
    step(must(take(t, mgr, at)));
    const msgs: MessageRecord[] = [];
    let seqMsg = 0;
    const message = (direction: "in" | "out", when: number) => {
      const seq = ++seqMsg;
      msgs.push({
        ticket: n,
        seq,
        at: when,
        direction,
        senderId: direction === "out" ? mgr.id : clientId,
        kind: "text",
        text: direction === "out" ? "Thank you, we are looking into it." : "Hello, I need help",
        source: {
          chatId: direction === "out" ? -1001000000002 : clientId,
          messageId: n * 100 + seq,
        },
        delivery: "sent",
      });
    };
    // Half of the messages before the first close, the rest after a possible reopening.
    const reopens = random() < 0.1;
    const firstHalf = reopens ? Math.ceil(msgCount / 2) : msgCount;
    for (let i = 0; i < firstHalf; i++) {
      const direction = i % 2 === 0 ? "in" : "out";
      at += Math.floor(random() * 20 * MINUTE) + MINUTE;
      message(direction, at);
      if (direction === "out") step(must(managerReplied(t, mgr, at)));
    }
    if (random() < 0.05) {
      at += 10 * MINUTE;
      const to = 1001 + ((mgr.id - 1000) % MANAGERS);
      step(must(transfer(t, mgr, to, at)));
      // The ticket is the new holder's now: only they may close it.
      mgr = { role: "manager", id: to };
    }
    if (n < tickets * 0.97) {
      at += Math.floor(random() * 10 * HOUR);
      step(must(close(t, mgr, at)));
      if (random() < 0.3) {
        at += 5 * MINUTE;
        step(
          must(rate(t, { role: "client", id: clientId }, 1 + Math.floor(random() * 5), "ok", at)),
        );
      }
      if (reopens) {
        at += HOUR;
        step(must(reopen(t, { role: "client", id: clientId }, at)));
        for (let i = firstHalf; i < msgCount; i++) {
          const direction = i % 2 === 0 ? "in" : "out";
          at += Math.floor(random() * 20 * MINUTE) + MINUTE;
          message(direction, at);
          if (direction === "out") step(must(managerReplied(t, mgr, at)));
        }
        at += 2 * HOUR;
        step(must(close(t, mgr, at)));
      }
    }
    t = { ...t, postId: 10 * n, threadId: 10 * n + 1 };
    await add(K.ticket(n), t);
    let seq = 0;
    for (const e of evs) await add(K.event(n, ++seq), { ...e, seq });
    events += evs.length;
    for (const m of msgs) await add(K.message(n, m.seq), m);
    if (n % 10_000 === 0) {
      log(
        `  generated ${n}/${tickets} tickets (${
          ((performance.now() - started) / 1000).toFixed(0)
        } s)`,
      );
    }
  }
  await add(K.ticketCounter(), tickets);
  await flush();
  return { from, to: now, events };
}

/** What one measuring process reports. */
interface Measured {
  ms: number;
  /** Peak resident memory of the whole process (the kernel's high-water mark where known). */
  peakRss: number;
  peakHeap: number;
  /** Resident memory once the process had started, before the work. */
  baseRss: number;
  counts?: { tickets: number; events: number; messages: number };
}

/** The kernel's peak resident set of this process (Linux), in bytes; null elsewhere. */
async function highWaterMark(): Promise<number | null> {
  try {
    const status = await Deno.readTextFile("/proc/self/status");
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * The measuring side, run in a process of its own (`--measure scan|report`): a plain scan of
 * every record, or the report over them. Its peak memory is the work's alone, not the data
 * generator's nor the other measurement's.
 */
async function measure(what: "scan" | "report", kvPath: string, out: string): Promise<Measured> {
  const kv = await Deno.openKv(kvPath);
  try {
    const now = Date.UTC(2026, 4, 1, 12);
    const settings: Settings = {
      ...defaultSettings(),
      ...(await kv.get<Partial<Settings>>(K.settings())).value,
    };
    const base = Deno.memoryUsage();
    let peakRss = base.rss, peakHeap = base.heapUsed;
    const sample = () => {
      const m = Deno.memoryUsage();
      if (m.rss > peakRss) peakRss = m.rss;
      if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
    };
    const timer = setInterval(sample, 50);
    const t0 = performance.now();
    let counts: Measured["counts"];
    try {
      if (what === "scan") counts = await scanAllHistoryRecords(kv);
      else {
        // loaded here, as the service loads it for a report, so the scan's process never has it
        const { buildReport } = await import("../src/services/report/report.ts");
        await buildReport(kv, { from: now - 120 * DAY, to: now, settings, out, now });
      }
    } finally {
      clearInterval(timer);
    }
    const ms = performance.now() - t0;
    sample();
    return {
      ms,
      peakRss: Math.max(peakRss, await highWaterMark() ?? 0),
      peakHeap,
      baseRss: base.rss,
      ...(counts ? { counts } : {}),
    };
  } finally {
    kv.close();
  }
}

/** Runs {@link measure} in a fresh Deno process. */
async function measureApart(what: "scan" | "report", kvPath: string, out: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      import.meta.filename ?? new URL(import.meta.url).pathname,
      "--measure",
      what,
      "--kv",
      kvPath,
      "--out",
      out,
    ],
    stdout: "piped",
    stderr: "inherit",
  });
  const r = await child.output();
  if (!r.success) throw new Error(`the ${what} measurement failed (exit ${r.code})`);
  return JSON.parse(new TextDecoder().decode(r.stdout)) as Measured;
}

const mb = (b: number) => Math.round(b / 1_048_576);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/**
 * Generates the data (unless the KV already holds it), then measures a plain scan and the
 * report, each in a process of its own, alternating `rounds` times after one warming scan;
 * times are the medians, memory the highest peak.
 */
export async function runReportBench(opts: ReportBenchOptions): Promise<ReportBenchResult> {
  const log = opts.log ?? (() => {});
  const dir = await Deno.makeTempDir({ prefix: "report_bench_" });
  const kvPath = opts.kvPath ?? `${dir}/kv.sqlite`;
  const xlsx = `${dir}/report.xlsx`;
  const now = Date.UTC(2026, 4, 1, 12);
  try {
    let generateMs = 0;
    const kv = await Deno.openKv(kvPath);
    try {
      const existing = (await kv.get<number>(K.ticketCounter())).value ?? 0;
      if (existing === 0) {
        log(`generating ${opts.tickets} tickets, ${opts.messages} messages into ${kvPath}…`);
        const t0 = performance.now();
        await generate(kv, opts.tickets, opts.messages, now, log);
        generateMs = performance.now() - t0;
      }
    } finally {
      kv.close();
    }
    // The first scan warms the caches; then scans and reports take turns, so that both see
    // the same load of the machine.
    log("warming the caches…");
    await measureApart("scan", kvPath, xlsx);
    const scans: Measured[] = [], reports: Measured[] = [];
    const rounds = opts.rounds ?? 2;
    for (let i = 1; i <= rounds; i++) {
      log(`round ${i}/${rounds}: scanning…`);
      scans.push(await measureApart("scan", kvPath, xlsx));
      log(`round ${i}/${rounds}: building the report…`);
      reports.push(await measureApart("report", kvPath, xlsx));
      log(
        `  scan ${(scans.at(-1)!.ms / 1000).toFixed(2)} s, report ${
          (reports.at(-1)!.ms / 1000).toFixed(2)
        } s, report peak RSS ${mb(reports.at(-1)!.peakRss)} MB`,
      );
    }
    const scanMs = median(scans.map((m) => m.ms));
    const reportMs = median(reports.map((m) => m.ms));
    const counts = scans[0]!.counts!;
    const xlsxMb = (await Deno.stat(xlsx)).size / 1_048_576;
    return {
      scanMs: Math.round(scanMs),
      reportMs: Math.round(reportMs),
      ratio: Math.round((reportMs / scanMs) * 100) / 100,
      peakRssMb: mb(Math.max(...reports.map((m) => m.peakRss))),
      peakHeapMb: mb(Math.max(...reports.map((m) => m.peakHeap))),
      baseRssMb: mb(Math.max(...reports.map((m) => m.baseRss))),
      scanPeakRssMb: mb(Math.max(...scans.map((m) => m.peakRss))),
      tickets: counts.tickets,
      messages: counts.messages,
      events: counts.events,
      generateMs: Math.round(generateMs),
      xlsxMb: Math.round(xlsxMb * 10) / 10,
    };
  } finally {
    if (opts.keep) log(`kept ${kvPath} and ${xlsx}`);
    else await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

function flag(name: string): string | undefined {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

const measuring = flag("measure");
if (import.meta.main && (measuring === "scan" || measuring === "report")) {
  const r = await measure(measuring, flag("kv")!, flag("out")!);
  console.log(JSON.stringify(r));
} else if (import.meta.main) {
  const quick = Deno.args.includes("--quick");
  const tickets = Number(flag("tickets") ?? (quick ? 10_000 : 100_000));
  const messages = Number(flag("messages") ?? (quick ? 100_000 : 1_000_000));
  const kvPath = flag("kv");
  const r = await runReportBench({
    tickets,
    messages,
    keep: Deno.args.includes("--keep"),
    log: (line) => console.error(line),
    ...(flag("rounds") ? { rounds: Number(flag("rounds")) } : {}),
    ...(kvPath ? { kvPath } : {}),
  });
  const rows: Array<[string, string]> = [
    ["tickets / events / messages", `${r.tickets} / ${r.events} / ${r.messages}`],
    ["data generation", `${(r.generateMs / 1000).toFixed(1)} s`],
    ["plain scan", `${(r.scanMs / 1000).toFixed(2)} s`],
    ["report", `${(r.reportMs / 1000).toFixed(2)} s`],
    ["report / scan", `${r.ratio} (target <= 1.5) ${r.ratio <= 1.5 ? "ok" : "MISSED"}`],
    [
      "peak RSS of the report (at start)",
      `${r.peakRssMb} MB (${r.baseRssMb} MB) (target < 200) ${r.peakRssMb < 200 ? "ok" : "MISSED"}`,
    ],
    ["peak RSS of the plain scan", `${r.scanPeakRssMb} MB`],
    ["peak heap used", `${r.peakHeapMb} MB`],
    ["workbook size", `${r.xlsxMb} MB`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  console.log(rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join("\n"));
  const json = flag("json");
  if (json) await Deno.writeTextFile(json, JSON.stringify(r, null, 2) + "\n");
}
