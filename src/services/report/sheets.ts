/**
 * Writing one sheet of the streaming workbook: typed columns, a bold frozen header with an
 * autofilter, widths that fit, and highlighted cells. Rows are committed one by one, so a sheet
 * never sits in memory.
 *
 * @module
 */
import type ExcelJS from "exceljs";
import type { CellStyle, Deflated, StyleRegistry, XlsxWriter } from "./xlsx_writer.ts";
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
      return typeof v === "number" ? excelSerial(v + o.zone.offsetAt(v)) : null;
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

/**
 * The serial number of the wall clock `local` (ms) reads, the same as {@link excelDate} of a
 * `Date` of it without making one per cell (a `Date` keeps whole milliseconds in range).
 */
function excelSerial(local: number): number | Date {
  return Number.isInteger(local) && Math.abs(local) <= 8.64e15
    ? 25569 + local / DAY_MS
    : new Date(local);
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
 * A sheet's rows as XML: the header row and each data row. Looks are resolved to style ids once
 * per column (a lookup per cell would cost more than the cell itself), registered on first use.
 * Rows become XML straight away: objects per row and cell would cost several times the writing
 * itself, for rows that are written once.
 */
export class RowXml {
  readonly #letters: string[];
  readonly #looks: Array<Map<Look, number>>;

  constructor(
    readonly styles: Pick<StyleRegistry, "styleId">,
    readonly columns: readonly Column[],
    readonly o: Pick<SheetOptions, "zone" | "yes" | "no" | "bold">,
  ) {
    this.#letters = columns.map((_, i) => columnLetter(i));
    this.#looks = columns.map(() => new Map<Look, number>());
  }

  /** The header row (row 1); local times say which clock they are read on. */
  header(): string {
    const bold = this.styles.styleId(styleOf("text", "bold"));
    // no per-row hints (`spans`, `x14ac:dyDescent`): optional, and 37 bytes of every row
    return `<row r="1">` +
      this.columns.map((c, i) => cellXml(`${this.#letters[i]}1`, bold, headerOf(c, this.o.zone)))
        .join("") +
      "</row>";
  }

  /** Row `n` (1-based, data from 2) of values `r`. */
  row(n: number, r: SpillRow): string {
    const boldRow = this.o.bold?.(r) ?? false;
    let xml = `<row r="${n}">`;
    const columns = this.columns, letters = this.#letters;
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i]!;
      const v = r[i] ?? null;
      const look: Look = c.highlight?.(r)
        ? "breach"
        : boldRow
        ? "bold"
        : c.kind === "link" && Array.isArray(v)
        ? "link"
        : "plain";
      const styled = v !== null || look !== "plain";
      xml += cellXml(
        letters[i]! + n,
        styled ? this.#styleId(i, look) : 0,
        cellValue(c.kind, v, this.o),
      );
    }
    return xml + "</row>";
  }

  /** The autofilter's range over the header and `count` rows. */
  range(count: number): string {
    return `A1:${this.#letters[this.columns.length - 1]}${count + 1}`;
  }

  #styleId(i: number, look: Look): number {
    const looks = this.#looks[i]!;
    let id = looks.get(look);
    if (id === undefined) {
      looks.set(look, id = this.styles.styleId(styleOf(this.columns[i]!.kind, look)));
    }
    return id;
  }
}

/** Widths as shown: two characters of margin, within bounds. */
function shownWidths(columns: readonly Column[], widths: readonly number[]): number[] {
  return columns.map((_, i) => Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, (widths[i] ?? 0) + 2)));
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
  const sheet = await wb.addSheet(name, shownWidths(columns, widths));
  const xml = new RowXml(wb, columns, o);
  await sheet.write(xml.header());
  let count = 0;
  for await (const r of list) {
    await sheet.write(xml.row(count + 2, r));
    count++;
  }
  await wb.endSheet(sheet, xml.range(count));
  return count;
}

/**
 * Adds a sheet whose rows were written as XML and deflated beforehand (`body`, `count` rows
 * from row 2, by a {@link RowXml} of the same columns), with its header, and commits it.
 */
export async function writeSplicedSheet(
  wb: XlsxWriter,
  name: string,
  columns: readonly Column[],
  body: Deflated & { readonly count: number },
  o: SheetOptions & { widths: readonly number[] },
): Promise<number> {
  const sheet = await wb.addSheet(name, shownWidths(columns, o.widths));
  const xml = new RowXml(wb, columns, o);
  await sheet.write(xml.header());
  await sheet.splice(body);
  await wb.endSheet(sheet, xml.range(body.count));
  return body.count;
}
