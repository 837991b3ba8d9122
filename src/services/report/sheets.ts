/**
 * Writing one sheet of the streaming workbook: typed columns, a bold frozen header with an
 * autofilter, widths that fit, and highlighted cells. Rows are committed one by one, so a sheet
 * never sits in memory.
 *
 * @module
 */
import type ExcelJS from "exceljs";
import type { SpillCell, SpillRow } from "./spill.ts";
import type { ZoneClock } from "./period.ts";

const DAY_MS = 86_400_000;

/** How a column's raw values are shown. */
export type ColumnKind =
  | "text"
  | "int"
  /** Instant (epoch ms) shown as the team's local date and time. */
  | "date"
  /** Milliseconds shown as an Excel duration, `[h]:mm:ss`. */
  | "duration"
  /** Fraction shown as a percentage. */
  | "share"
  /** Number with two decimals. */
  | "decimal"
  /** `[url, text]` shown as a clickable link. */
  | "link"
  /** true/false shown as yes/no. */
  | "bool";

/** One column of a sheet. */
export interface Column {
  header: string;
  kind: ColumnKind;
  /** Whether the row's value in this column is highlighted as a breach. */
  highlight?: (row: SpillRow) => boolean;
}

const NUM_FMT: Partial<Record<ColumnKind, string>> = {
  date: "yyyy-mm-dd hh:mm",
  duration: "[h]:mm:ss",
  share: "0.0%",
  decimal: "0.00",
};

/** Display width of each kind, for the kinds whose width does not depend on the value. */
const FIXED_WIDTH: Partial<Record<ColumnKind, number>> = {
  date: 16,
  duration: 10,
  share: 7,
  decimal: 6,
};

/**
 * Sheet XML allowed to wait for the zip before writing pauses. exceljs writes rows into the zip
 * without backpressure, so a sheet written faster than it is deflated would pile up in memory.
 */
const BACKLOG_BYTES = 1 << 20;
/** Rows between two looks at the backlog. */
const BACKLOG_EVERY = 64;

const MIN_WIDTH = 6;
const MAX_WIDTH = 60;

/** Red fill of a breach, as Excel's "light red" conditional style. */
export const BREACH_FILL: ExcelJS.Fill = {
  type: "pattern",
  pattern: "solid",
  fgColor: { argb: "FFFFC7CE" },
};

/** Cell look: plain, breach (red fill), bold (header, totals), link (blue, underlined). */
type Look = "plain" | "breach" | "bold" | "link";

/**
 * One frozen style object per kind and look. exceljs caches a style's id by object identity,
 * so sharing these objects spares it from serializing a style for every cell; they are never
 * mutated (no `cell.fill = …` setters, which would write into the shared object).
 */
const STYLES = new Map<string, Partial<ExcelJS.Style>>();

function styleOf(kind: ColumnKind, look: Look): Partial<ExcelJS.Style> {
  const key = `${kind}:${look}`;
  let style = STYLES.get(key);
  if (!style) {
    const numFmt = NUM_FMT[kind];
    style = Object.freeze({
      ...(numFmt ? { numFmt } : {}),
      ...(look === "breach" ? { fill: BREACH_FILL } : {}),
      ...(look === "bold" ? { font: { bold: true } } : {}),
      ...(look === "link" ? { font: { color: { argb: "FF0563C1" }, underline: true } } : {}),
    });
    STYLES.set(key, style);
  }
  return style;
}

/** Tracks the widest value of each column while rows stream past (numbers only). */
export class WidthTracker {
  readonly widths: number[];

  constructor(readonly columns: readonly Column[], yesNo: readonly string[] = ["yes", "no"]) {
    const bool = Math.max(...yesNo.map((s) => s.length));
    this.widths = columns.map((c) =>
      Math.max(c.header.length, c.kind === "bool" ? bool : FIXED_WIDTH[c.kind] ?? 0)
    );
  }

  /** Accounts for one row. */
  see(row: SpillRow): void {
    for (let i = 0; i < row.length; i++) {
      const v = row[i];
      const kind = this.columns[i]?.kind;
      if (v === null || v === undefined || (kind && FIXED_WIDTH[kind])) continue;
      const len = Array.isArray(v) ? v[1].length : String(v).length;
      if (len > (this.widths[i] ?? 0)) this.widths[i] = len;
    }
  }
}

/** Options of {@link writeSheet}. */
export interface SheetOptions {
  zone: ZoneClock;
  yes: string;
  no: string;
  /** Widths from a {@link WidthTracker}; measured from the rows when absent. */
  widths?: readonly number[];
  /** Rows whose cells are all bold (e.g. a total). */
  bold?: (row: SpillRow) => boolean;
}

/** A column's header; a local time's names its time zone, "Created (Europe/Moscow)". */
export function headerOf(c: Column, zone: ZoneClock): string {
  return c.kind === "date" ? `${c.header} (${zone.timeZone})` : c.header;
}

/** Escapes a string for a formula literal. */
function formulaString(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}

function cellValue(kind: ColumnKind, v: SpillCell, o: SheetOptions): ExcelJS.CellValue {
  if (v === null) return null;
  switch (kind) {
    case "date":
      return typeof v === "number" ? o.zone.wallClock(v) : null;
    case "duration":
      return typeof v === "number" ? v / DAY_MS : null;
    case "bool":
      return v === true ? o.yes : v === false ? o.no : null;
    case "link":
      // A HYPERLINK formula instead of a cell hyperlink: the streaming writer keeps every cell
      // hyperlink in memory until the sheet ends, a formula costs nothing.
      return Array.isArray(v)
        ? { formula: `HYPERLINK(${formulaString(v[0])},${formulaString(v[1])})`, result: v[1] }
        : String(v);
    default:
      return Array.isArray(v) ? v[1] : v;
  }
}

/** A stream's buffered bytes, as Node streams and the readable-stream package count them. */
interface Buffered {
  _writableState?: { length?: number };
  _readableState?: { length?: number };
}

/**
 * Bytes of the sheet's XML not yet taken by the zip: in exceljs's own buffer (before the zip
 * reaches the sheet) and in the streams it pipes into.
 */
function backlog(ws: ExcelJS.Worksheet): number {
  const stream = (ws as unknown as {
    stream?: { buffers?: Array<{ length: number }>; pipes?: Buffered[] };
  }).stream;
  let n = 0;
  for (const b of stream?.buffers ?? []) n += b.length;
  for (const p of stream?.pipes ?? []) {
    n += (p._writableState?.length ?? 0) + (p._readableState?.length ?? 0);
  }
  return n;
}

/** Waits until the zip has taken most of the sheet's XML written so far. */
async function drained(ws: ExcelJS.Worksheet): Promise<void> {
  while (backlog(ws) > BACKLOG_BYTES) await new Promise((r) => setTimeout(r, 1));
}

/**
 * Adds a sheet to `wb`, writes the header and every row, and commits it. Rows may be a plain
 * or an async iterable; each is committed as soon as it is written.
 */
export async function writeSheet(
  wb: ExcelJS.stream.xlsx.WorkbookWriter,
  name: string,
  columns: readonly Column[],
  rows: Iterable<SpillRow> | AsyncIterable<SpillRow>,
  o: SheetOptions,
): Promise<number> {
  let widths = o.widths;
  let list: Iterable<SpillRow> | AsyncIterable<SpillRow> = rows;
  if (!widths) {
    // Only small, in-memory sheets come without widths.
    const all: SpillRow[] = [];
    for await (const r of rows) all.push(r);
    const tracker = new WidthTracker(columns, [o.yes, o.no]);
    all.forEach((r) => tracker.see(r));
    widths = tracker.widths;
    list = all;
  }
  const ws = wb.addWorksheet(name, { views: [{ state: "frozen", ySplit: 1 }] });
  ws.columns = columns.map((_, i) => ({
    key: `c${i}`,
    width: Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, (widths[i] ?? 0) + 2)),
  }));
  // Local times say which clock they are read on.
  const header = ws.addRow(columns.map((c) => headerOf(c, o.zone)));
  header.eachCell((cell) => cell.style = styleOf("text", "bold"));
  header.commit();
  // Looks per column, resolved once: a lookup per cell would cost more than the cell itself.
  const looks = columns.map((c) => ({
    plain: styleOf(c.kind, "plain"),
    breach: styleOf(c.kind, "breach"),
    bold: styleOf(c.kind, "bold"),
    link: styleOf(c.kind, "link"),
  }));
  let count = 0;
  for await (const r of list) {
    const row = ws.addRow(columns.map((c, i) => cellValue(c.kind, r[i] ?? null, o)));
    const bold = o.bold?.(r) ?? false;
    columns.forEach((c, i) => {
      const v = r[i] ?? null;
      const look: Look = c.highlight?.(r)
        ? "breach"
        : bold
        ? "bold"
        : c.kind === "link" && Array.isArray(v)
        ? "link"
        : "plain";
      if (v !== null || look !== "plain") row.getCell(i + 1).style = looks[i]![look];
    });
    row.commit();
    if (++count % BACKLOG_EVERY === 0) await drained(ws);
  }
  ws.autoFilter = {
    from: { row: 1, column: 1 },
    to: { row: count + 1, column: columns.length },
  };
  ws.commit();
  return count;
}
