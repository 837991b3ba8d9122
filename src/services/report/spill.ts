/**
 * Spill files: detail rows written while scanning and read back once the workbook reaches
 * their sheet. The streaming workbook can only fill sheets one after the other (the zip takes
 * each sheet whole), and the summaries that come first are known only after the scan, so the
 * detail rows wait on disk instead of in memory. Where no file can be written (e.g. a read-only
 * deployment), rows wait in memory as encoded JSON lines.
 *
 * @module
 */

/** A cell value of a spilled row; `[url, text]` is a link. */
export type SpillCell = string | number | boolean | null | [string, string];

/** A spilled row. */
export type SpillRow = SpillCell[];

const FLUSH_CHARS = 1 << 16;

/** An append-then-read-once store of rows. */
export interface Spill {
  /** Rows appended so far. */
  readonly count: number;
  /** Appends a row. */
  push(row: SpillRow): Promise<void>;
  /** Reads every row back in order (once). */
  rows(): AsyncGenerator<SpillRow>;
  /** Frees what the spill holds. */
  dispose(): Promise<void>;
}

/** JSON lines in a temporary file. */
class FileSpill implements Spill {
  count = 0;
  #buf = "";
  readonly #encoder = new TextEncoder();

  constructor(readonly path: string, private readonly file: Deno.FsFile) {}

  async push(row: SpillRow): Promise<void> {
    this.count++;
    this.#buf += JSON.stringify(row) + "\n";
    if (this.#buf.length >= FLUSH_CHARS) await this.#flush();
  }

  async #flush(): Promise<void> {
    if (!this.#buf) return;
    const bytes = this.#encoder.encode(this.#buf);
    this.#buf = "";
    let written = 0;
    while (written < bytes.length) written += await this.file.write(bytes.subarray(written));
  }

  async *rows(): AsyncGenerator<SpillRow> {
    await this.#flush();
    this.file.close();
    const file = await Deno.open(this.path, { read: true });
    const decoder = new TextDecoder();
    const chunk = new Uint8Array(1 << 16);
    let rest = "";
    try {
      for (;;) {
        const n = await file.read(chunk);
        if (n === null) break;
        rest += decoder.decode(chunk.subarray(0, n), { stream: true });
        let start = 0, nl: number;
        while ((nl = rest.indexOf("\n", start)) >= 0) {
          yield JSON.parse(rest.slice(start, nl)) as SpillRow;
          start = nl + 1;
        }
        rest = rest.slice(start);
      }
    } finally {
      file.close();
    }
  }

  async dispose(): Promise<void> {
    try {
      this.file.close();
    } catch {
      // already closed by rows()
    }
    await Deno.remove(this.path).catch(() => {});
  }
}

/** JSON lines kept in memory. */
class MemorySpill implements Spill {
  count = 0;
  #lines: string[] = [];

  push(row: SpillRow): Promise<void> {
    this.count++;
    this.#lines.push(JSON.stringify(row));
    return Promise.resolve();
  }

  async *rows(): AsyncGenerator<SpillRow> {
    for (const line of this.#lines) yield JSON.parse(line) as SpillRow;
  }

  dispose(): Promise<void> {
    this.#lines = [];
    return Promise.resolve();
  }
}

/** A spill in a temporary file, or in memory when `memory` is set or no file can be made. */
export async function openSpill(memory = false): Promise<Spill> {
  if (!memory) {
    try {
      const path = await Deno.makeTempFile({ prefix: "report_", suffix: ".jsonl" });
      const file = await Deno.open(path, { write: true, truncate: true });
      return new FileSpill(path, file);
    } catch {
      // no writable temp directory: fall through to memory
    }
  }
  return new MemorySpill();
}
