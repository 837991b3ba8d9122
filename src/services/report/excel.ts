/**
 * exceljs, loaded so that it needs no `--allow-sys`: its unzip dependency (fstream) calls
 * `process.umask()` when it loads, which Deno guards with the sys permission that neither
 * `deno task start` nor `deno task test` grants (and Deno Deploy may refuse). The value only
 * sets default modes of files fstream itself creates, which the report never does, so a
 * refused call falls back to the usual 0o022. Import exceljs through this module.
 *
 * @module
 */
import process from "node:process";

try {
  process.umask();
} catch {
  // Only the no-argument query is ever made by fstream.
  (process as { umask: () => number }).umask = () => 0o022;
}

const ExcelJS = (await import("exceljs")).default;

/** The exceljs namespace (default export of the package). */
export default ExcelJS;
