/**
 * `deno task bench [--quick] [--only a,b] [--json path]`: every benchmark scenario against
 * the built-in emulator; prints one table and writes the figures as JSON.
 *
 * @module
 */
import { benchEmulator } from "./emulator.ts";
import { type Figure, flag } from "./common.ts";
import { benchNumbering } from "./numbering.ts";
import { benchRelay } from "./relay.ts";

const SCENARIOS: Record<string, (quick: boolean) => Promise<Figure[]>> = {
  relay: benchRelay,
  burst: async (q) => (await import("./burst.ts")).benchBurst(q),
  numbering: benchNumbering,
  report: async (q) => (await import("./report.ts")).benchReport(q),
  footprint: async (q) => (await import("./footprint.ts")).benchFootprint(q),
  emulator: benchEmulator,
  crash: async (q) => (await import("./crash.ts")).benchCrash(q),
  capacity: async (q) => (await import("./capacity.ts")).benchCapacity(q),
  deploy: async (q) => (await import("./deploy.ts")).benchDeploy(q),
};

function table(figs: Figure[]): string {
  const rows = figs.map((f) => [
    f.scenario,
    f.name,
    `${f.value} ${f.unit}`,
    f.target ?? "",
    f.ok === undefined ? "" : f.ok ? "ok" : "MISSED",
  ]);
  const head = ["scenario", "figure", "value", "target", ""];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [fmt(head), fmt(widths.map((w) => "-".repeat(w))), ...rows.map(fmt)].join("\n");
}

if (import.meta.main) {
  const quick = Deno.args.includes("--quick");
  const only = flag(Deno.args, "only")?.split(",");
  const out = flag(Deno.args, "json") ?? "bench/results.json";
  const figs: Figure[] = [];
  for (const [name, run] of Object.entries(SCENARIOS)) {
    if (only && !only.includes(name)) continue;
    console.error(`running ${name}${quick ? " (quick)" : ""}…`);
    try {
      figs.push(...await run(quick));
    } catch (e) {
      console.error(`${name} failed: ${e instanceof Error ? e.stack : e}`);
      figs.push({ scenario: name, name: "failed", value: 0, unit: "", ok: false, target: "runs" });
    }
  }
  console.log(table(figs));
  await Deno.writeTextFile(
    out,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        quick,
        cores: navigator.hardwareConcurrency,
        figures: figs,
      },
      null,
      2,
    ) + "\n",
  );
  console.error(`figures written to ${out}`);
}
