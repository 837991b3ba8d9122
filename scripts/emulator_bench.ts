/**
 * Throughput of the emulator over loopback HTTP with limits off (`deno task emulator:bench`);
 * the same scenario `deno task bench --only emulator` runs.
 *
 * Usage: deno run --allow-net scripts/emulator_bench.ts [--quick]
 */
import { benchEmulator } from "../bench/emulator.ts";

for (const f of await benchEmulator(Deno.args.includes("--quick"))) {
  console.log(`${f.name}: ${f.value} ${f.unit}${f.target ? ` (target ${f.target})` : ""}`);
}
