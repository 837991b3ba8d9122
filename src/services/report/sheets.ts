/**
 * Writing one sheet of the streaming workbook: typed columns, a bold frozen header with an
 * autofilter, widths that fit, and highlighted cells. Rows are committed one by one, so a sheet
 * never sits in memory.
 *
 * @module
 */
import type ExcelJS from "exceljs";
import type { CellStyle, XlsxWriter } from "./xlsx_writer.ts";
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

const MIN_WIDTH = 6;
const MAX_WIDTH = 60;

/** Cell look: plain, breach (red fill), bold (header, totals), link (blue, underlined). */
type Look = "plain" | "breach" | "bold" | "link";

/** A kind's look as the workbook's style registry takes it. */
function styleOf(kind: ColumnKind, look: Look): CellStyle {
  const numFmt = NUM_FMT[kind];
  return {
    ...(numFmt ? { numFmt } : {}),
    ...(look === "breach" ? { fill: true } : {}),
    ...(look === "bold" ? { font: "bold" as const } : {}),
    ...(look === "link" ? { font: "link" as const } : {}),
  };
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

/** Spreadsheet column letters of a 0-based index: 0 → A, 25 → Z, 26 → AA. */
function columnLetter(i: number): string {
  let s = "";
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  }
  return s;
}

// Control characters are exactly what this pattern looks for.
// deno-lint-ignore no-control-regex
const XML_SPECIAL = /[<>&'"\x7F\x00-\x08\x0B-\x0C\x0E-\x1F]/g;
const XML_ENTITY: Record<string, string> = {
  "<": "&lt;",
  ">": "&gt;",
  "&": "&amp;",
  "'": "&apos;",
  '"': "&quot;",
};

/** Text as XML, as exceljs writes it: the five entities, control characters left out. */
function xmlText(s: string): string {
  return s.replace(XML_SPECIAL, (ch) => XML_ENTITY[ch] ?? "");
}

/** Excel's serial day number of a date (the 1900 system), as exceljs computes it. */
function excelDate(d: Date): number {
  return 25569 + d.getTime() / DAY_MS;
}

/** One cell's XML, as exceljs renders it; an unstyled empty cell is left out. */
function cellXml(ref: string, style: number, v: ExcelJS.CellValue): string {
  if ((v === null || v === undefined) && !style) return "";
  const s = style ? ` s="${style}"` : "";
  if (v === null || v === undefined) return `<c r="${ref}"${s}/>`;
  if (typeof v === "number") return `<c r="${ref}"${s}><v>${v}</v></c>`;
  if (typeof v === "string") return `<c r="${ref}"${s} t="str"><v>${xmlText(v)}</v></c>`;
  if (typeof v === "boolean") return `<c r="${ref}"${s} t="b"><v>${v ? 1 : 0}</v></c>`;
  if (v instanceof Date) return `<c r="${ref}"${s}><v>${excelDate(v)}</v></c>`;
  if (
    typeof v === "object" && "formula" in v && typeof v.formula === "string" &&
    typeof v.result === "string"
  ) {
    const f = xmlText(v.formula);
    return `<c r="${ref}"${s} t="str"><f>${f}</f><v>${xmlText(v.result)}</v></c>`;
  }
  throw new Error(`A report cell of an unexpected type: ${JSON.stringify(v)}`);
}

/**
 * Adds a sheet to `wb`, writes the header and every row, and commits it. Rows may be a plain
 * or an async iterable; each is written into the sheet's stream as soon as it comes.
 */
export async function writeSheet(
  wb: XlsxWriter,
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
  const shown = columns.map((_, i) =>
    Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, (widths[i] ?? 0) + 2))
  );
  const sheet = await wb.addSheet(name, shown);
  const letters = columns.map((_, i) => columnLetter(i));
  const span = `spans="1:${columns.length}" x14ac:dyDescent="0.25"`;
  // Local times say which clock they are read on.
  const bold = wb.styleId(styleOf("text", "bold"));
  await sheet.write(
    `<row r="1" ${span}>` +
      columns.map((c, i) => cellXml(`${letters[i]}1`, bold, headerOf(c, o.zone))).join("") +
      "</row>",
  );
  // Looks per column, resolved once to style ids: a lookup per cell would cost more than the
  // cell itself. Registered on first use, in the order exceljs itself would meet them.
  const looks = columns.map(() => new Map<Look, number>());
  const styleId = (i: number, look: Look) => {
    let id = looks[i]!.get(look);
    if (id === undefined) looks[i]!.set(look, id = wb.styleId(styleOf(columns[i]!.kind, look)));
    return id;
  };
  // Rows are written as XML straight away: objects per row and cell would cost several times
  // the writing itself, for rows that are written once.
  let count = 0;
  for await (const r of list) {
    const n = count + 2;
    const boldRow = o.bold?.(r) ?? false;
    let xml = `<row r="${n}" ${span}>`;
    columns.forEach((c, i) => {
      const v = r[i] ?? null;
      const look: Look = c.highlight?.(r)
        ? "breach"
        : boldRow
        ? "bold"
        : c.kind === "link" && Array.isArray(v)
        ? "link"
        : "plain";
      const styled = v !== null || look !== "plain";
      xml += cellXml(`${letters[i]}${n}`, styled ? styleId(i, look) : 0, cellValue(c.kind, v, o));
    });
    await sheet.write(xml + "</row>");
    count++;
  }
  await wb.endSheet(sheet, `A1:${letters[columns.length - 1]}${count + 1}`);
  return count;
}
