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
    fig("report", "report / scan", +r.ratio.toFixed(2), "x", { op: "<=", v: 2 }),
    fig("report", "peak RSS during the report", Math.round(r.peakRssMb), "MB"),
    fig("report", "peak heap during the report", Math.round(r.peakHeapMb), "MB"),
  ];
}
