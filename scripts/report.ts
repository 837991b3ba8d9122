/**
 * `deno task report --from 2026-01-01 --to 2026-02-01 [--out file.xlsx] [--kv path] [--lang en|ru]`
 * or `deno task report --period last_month …`: writes the .xlsx report for a period.
 *
 * Dates are local dates in the time zone of the settings; `--from` is inclusive and `--to` is
 * EXCLUSIVE (the example above is all of January), like the period itself. The KV is `--kv`,
 * else KV_PATH, else ./data/helpdesk.sqlite. Progress goes to stderr when it is a terminal.
 *
 * @module
 */
import { loadKvPath } from "../src/config.ts";
import { openKv } from "./cli_kv.ts";
import { buildReport } from "../src/services/report/report.ts";
import type { ReportLang } from "../src/services/report/labels.ts";
import {
  formatLocalDate,
  parseLocalDate,
  type Period,
  type PeriodKind,
  periodOf,
  periodOfDates,
  ZoneClock,
} from "../src/services/report/period.ts";
import { getSettings } from "../src/storage/settings.ts";

const USAGE = `Usage:
  deno task report --from YYYY-MM-DD --to YYYY-MM-DD [--out file.xlsx] [--kv path] [--lang en|ru]
  deno task report --period this_week|last_week|this_month|last_month [--out …] [--kv …]
Dates are in the settings' time zone; --to is exclusive.`;

const KINDS: readonly PeriodKind[] = ["this_week", "last_week", "this_month", "last_month"];

function arg(name: string): string | undefined {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  Deno.exit(2);
}

/** The period asked for on the command line. */
function periodFromArgs(timeZone: string, now: number): Period {
  const kind = arg("period");
  if (kind !== undefined) {
    if (!KINDS.includes(kind as PeriodKind)) fail(`Unknown period "${kind}".`);
    return periodOf(kind as PeriodKind, now, timeZone);
  }
  const fromText = arg("from"), toText = arg("to");
  if (!fromText || !toText) fail("Give --from and --to, or --period.");
  const from = parseLocalDate(fromText), to = parseLocalDate(toText);
  if (!from) fail(`--from "${fromText}" is not a date (YYYY-MM-DD).`);
  if (!to) fail(`--to "${toText}" is not a date (YYYY-MM-DD).`);
  const period = periodOfDates(from, to, timeZone);
  if (period.to <= period.from) fail("--to must be after --from (it is exclusive).");
  return period;
}

if (import.meta.main) {
  if (Deno.args.includes("--help") || Deno.args.includes("-h")) {
    console.log(USAGE);
    Deno.exit(0);
  }
  // Bad arguments are reported before the KV is opened (it may not even exist).
  periodFromArgs("UTC", Date.now());
  const lang = (arg("lang") ?? "en") as ReportLang;
  if (lang !== "en" && lang !== "ru") fail(`Unknown language "${lang}".`);
  const kv = await openKv(arg("kv") ?? loadKvPath());
  try {
    const settings = await getSettings(kv);
    const now = Date.now();
    const period = periodFromArgs(settings.timeZone, now);
    const zone = new ZoneClock(settings.timeZone);
    const day = (ms: number) => formatLocalDate(zone.dateOf(ms));
    const out = arg("out") ?? `report_${day(period.from)}_${day(period.to - 1)}.xlsx`;
    const tty = Deno.stderr.isTerminal();
    const enc = new TextEncoder();
    const started = performance.now();
    const summary = await buildReport(kv, {
      ...period,
      settings,
      out,
      now,
      lang,
      onProgress: tty
        ? (done, total) => {
          const share = total ? ` (${Math.min(100, Math.round((done / total) * 100))}%)` : "";
          Deno.stderr.writeSync(enc.encode(`\rReading tickets: ${done}${share}   `));
        }
        : undefined,
    });
    if (tty) Deno.stderr.writeSync(enc.encode("\n"));
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.error(
      `Wrote ${out}: ${summary.tickets} tickets, ${summary.cycles} cycles, ` +
        `${summary.breaches} SLA breaches, ${summary.ratings} ratings ` +
        `(${day(period.from)} – ${day(period.to - 1)} ${settings.timeZone}, ${seconds} s)`,
    );
  } finally {
    kv.close();
  }
}
