/**
 * Report: time and peak memory of the Excel report over generated tickets and messages in
 * KV, against a plain scan of the same records (see scripts/report_bench.ts).
 *
 * @module
 */
import { runReportBench } from "../scripts/report_bench.ts";
import { fig, type Figure } from "./common.ts";

/** Runs the scenario. */
export async function benchReport(quick: boolean): Promise<Figure[]> {
  const r = await runReportBench(
    quick ? { tickets: 10_000, messages: 100_000 } : { tickets: 100_000, messages: 1_000_000 },
  );
  return [
    fig("report", "tickets / messages", r.tickets, `tickets / ${r.messages} msgs`),
    fig("report", "plain KV scan", Math.round(r.scanMs), "ms"),
    fig("report", "report", Math.round(r.reportMs), "ms"),
    fig("report", "report / scan", +r.ratio.toFixed(2), "x", { op: "<=", v: 1.5 }),
    // each measured in a process of its own (see scripts/report_bench.ts)
    fig("report", "peak RSS of the report", Math.round(r.peakRssMb), "MB", { op: "<=", v: 200 }),
    fig("report", "peak heap of the report", Math.round(r.peakHeapMb), "MB"),
    fig("report", "peak RSS of the plain scan", Math.round(r.scanPeakRssMb), "MB"),
  ];
}
