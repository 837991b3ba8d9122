/**
 * Numbering: concurrent ticket creations through our storage vs the same check-and-set
 * increment loop straight on Deno KV, both on a temporary file, in the same run.
 *
 * @module
 */
import { createTicket } from "../src/storage/tickets.ts";
import { fig, type Figure } from "./common.ts";

async function rawLoop(kv: Deno.Kv, n: number): Promise<number[]> {
  const key = ["bench_counter"];
  const one = async () => {
    for (;;) {
      const c = await kv.get<number>(key);
      const next = (c.value ?? 0) + 1;
      if ((await kv.atomic().check(c).set(key, next).commit()).ok) return next;
    }
  };
  // the same in-process serializer our storage uses, so both sides fight only the disk
  let chain: Promise<unknown> = Promise.resolve();
  return await Promise.all(Array.from({ length: n }, () => {
    const run = chain.then(one);
    chain = run;
    return run;
  }));
}

/** Runs the scenario. */
export async function benchNumbering(quick: boolean): Promise<Figure[]> {
  const n = quick ? 300 : 1000;
  const dir = await Deno.makeTempDir();
  try {
    const kv = await Deno.openKv(`${dir}/kv.sqlite`);
    let t0 = performance.now();
    const raw = await rawLoop(kv, n);
    const rawMs = performance.now() - t0;
    t0 = performance.now();
    const made = await Promise.all(
      Array.from({ length: n }, (_, i) => createTicket(kv, { topic: "T", clientId: i + 1, at: i })),
    );
    const oursMs = performance.now() - t0;
    kv.close();
    const numbers = made.map((r) => (r.ok ? r.ticket.number : -1)).sort((a, b) => a - b);
    const exact = numbers.every((x, i) => x === i + 1) && raw.length === n;
    const ours = n / (oursMs / 1000);
    const base = n / (rawMs / 1000);
    return [
      fig("numbering", "numbers exactly 1..N", exact ? 1 : 0, "bool", { op: "==", v: 1 }),
      fig("numbering", "creations/s", Math.round(ours), "1/s"),
      fig("numbering", "raw KV increments/s", Math.round(base), "1/s"),
      fig("numbering", "ratio to raw KV", +(ours / base).toFixed(3), "x", { op: ">=", v: 0.5 }),
    ];
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
