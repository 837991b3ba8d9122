/**
 * exceljs's streaming workbook writer on its own. The report writes with nothing else of
 * exceljs, and the whole package (its readers, CSV, unzip) costs about 15 MB more resident
 * memory than the writer alone. Tests read workbooks back through excel.ts.
 *
 * @module
 */
import type ExcelJS from "exceljs";

const mod = await import("exceljs/lib/stream/xlsx/workbook-writer.js");

/** exceljs's `stream.xlsx.WorkbookWriter`. */
export const WorkbookWriter: typeof ExcelJS.stream.xlsx.WorkbookWriter = mod.default ?? mod;
