/**
 * The demo's Excel report: the day just played, from the service's own KV.
 *
 * @module
 */
import { reportFile } from "../src/services/report/deliver.ts";
import { periodOf } from "../src/services/report/period.ts";
import { getSettings } from "../src/storage/settings.ts";
import type { ReportSummary } from "../src/services/report/report.ts";
import type { Sandbox } from "./sandbox.ts";

/** Writes this month's report of the sandbox to `path`; returns what it contains. */
export async function writeDemoReport(s: Sandbox, path: string): Promise<ReportSummary> {
  const settings = await getSettings(s.kv);
  const period = periodOf("this_month", s.app.deps.clock.now(), settings.timeZone);
  const file = await reportFile(s.app.deps, period, settings, "en");
  await Deno.writeFile(path, file.bytes);
  return file.summary;
}
