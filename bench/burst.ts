/**
 * Burst under Telegram's limits: messages across many tickets with the emulator's limits on
 * (time-scaled). Every comment lands in ONE group, so its 20-per-minute limit decides: we
 * print the drain time divided by the minimum those limits allow one bot sending one comment per
 * message (below 1: the capacity levers, coalescing and the second writer), what was lost, duplicated
 * or out of order (judged from what the emulator shows the managers), the longest wait, and
 * 429 answers.
 *
 * @module
 */
import { startSandbox } from "../scripts/sandbox.ts";
import { deliveryCounts, fig, type Figure, until } from "./common.ts";
import { openTickets } from "./relay.ts";

/** Runs the scenario. */
export async function benchBurst(quick: boolean): Promise<Figure[]> {
  const tickets = quick ? 40 : 200;
  const total = quick ? 200 : 1000;
  const scale = 0.02; // a Telegram minute lasts 1.2 s: the full burst needs ~59 s
  const dir = await Deno.makeTempDir();
  const s = await startSandbox({ limits: true, timeScale: scale, kvPath: `${dir}/kv.sqlite` });
  try {
    const roots = await openTickets(s, tickets);
    await s.app.deps.outbox.idle();
    // start with the group's window empty, as the minimum assumes
    await new Promise((r) => setTimeout(r, 60_000 * scale + 50));
    const clients = [...roots.keys()];
    const rootToClient = new Map([...roots].map(([c, r]) => [r, c]));
    const got = new Map<number, string[]>(clients.map((c) => [c, []]));
    const sentAt = new Map<string, number>();
    let longest = 0;
    let seen = 0;
    // comments by either bot (the second writer); a coalesced one carries several messages
    const writers = new Set([s.bots.client.id, s.bots.manager.id]);
    const stop = s.emu.onMessage((m) => {
      if (m.chatId !== s.groupId || !writers.has(m.authorId)) return;
      if (!m.text || m.threadId === undefined) return;
      const c = rootToClient.get(m.threadId);
      if (c === undefined) return;
      for (const text of m.text.match(/\bx\d+\b/g) ?? []) {
        got.get(c)!.push(text);
        const t0 = sentAt.get(text);
        if (t0 !== undefined) longest = Math.max(longest, performance.now() - t0);
        seen++;
      }
    });
    const before429 = s.emu.tooManyRequests();
    const start = performance.now();
    const expected = new Map<number, string[]>(clients.map((c) => [c, []]));
    for (let i = 0; i < total; i++) {
      const c = clients[i % clients.length]!;
      const text = `x${i}`;
      expected.get(c)!.push(text);
      sentAt.set(text, performance.now());
      s.emu.userSend(c, s.bots.client.id, { text });
    }
    await until(() => seen >= total, "the burst drained", 600_000);
    const drainMs = performance.now() - start;
    await new Promise((r) => setTimeout(r, 60_000 * scale));
    stop();
    const minMs = Math.floor((total - 1) / 20) * 60_000 * scale;
    const { lost, dup, disorder } = deliveryCounts(clients, expected, got);
    const r429 = s.emu.tooManyRequests() - before429;
    return [
      fig("burst", "messages / tickets", total, `msgs / ${tickets}`),
      fig("burst", "drain time", Math.round(drainMs), "ms"),
      fig("burst", "minimum the limits allow", Math.round(minMs), "ms"),
      fig("burst", "drain / minimum", +(drainMs / minMs).toFixed(3), "x", { op: "<=", v: 1.05 }),
      fig("burst", "lost", lost, "msgs", { op: "==", v: 0 }),
      fig("burst", "duplicated", dup, "msgs", { op: "==", v: 0 }),
      fig("burst", "out of order", disorder, "pairs", { op: "==", v: 0 }),
      fig("burst", "longest wait", Math.round(longest), "ms"),
      fig("burst", "429 answers", r429, "calls", { op: "==", v: 0 }),
    ];
  } finally {
    await s.stop();
    await Deno.remove(dir, { recursive: true });
  }
}
