/**
 * Spills: a detail sheet's rows, written as sheet XML and deflated while the report scans,
 * kept until the workbook reaches their sheet. The streaming workbook can only fill sheets one
 * after the other (the zip takes each sheet whole), and the summaries that come first are known
 * only after the scan, so the detail rows wait on disk instead of in memory; deflated, they are
 * then spliced into their sheet as they are (see deflate.ts), neither read back as rows nor
 * deflated again. Where no file can be written (e.g. a read-only deployment), the deflated
 * bytes wait in memory: about a fifth of the XML, and less than the rows they were.
 *
 * @module
 */
import { Deflater } from "./deflate.ts";
import type { Deflated } from "./xlsx_writer.ts";

/** A cell value of a spilled row; `[url, text]` is a link. */
export type SpillCell = string | number | boolean | null | [string, string];

/** A spilled row. */
export type SpillRow = SpillCell[];

/** Row XML gathered before it is deflated. */
const FLUSH_CHARS = 1 << 16;
/** Bytes read back per chunk. */
const READ_BYTES = 1 << 16;

/** The deflated rows of a spill, ready to be spliced into their sheet. */
export interface SpilledRows extends Deflated {
  /** Rows in it. */
  readonly count: number;
}

/** An append-then-read-once store of rows as deflated XML. */
export interface Spill {
  /** Rows appended so far. */
  readonly count: number;
  /**
   * Appends one row's XML; hands back a promise only when the rows gathered are deflated then
   * (one row in hundreds), so that the other rows cost no await.
   */
  push(rowXml: string): Promise<void> | undefined;
  /**
   * Ends the appending; the rows can then be read (once). With `reuse`, every chunk read is
   * the same buffer, refilled: for a reader done with each chunk before it asks the next.
   */
  finish(o?: { reuse?: boolean }): Promise<SpilledRows>;
  /** Frees what the spill holds. */
  dispose(): Promise<void>;
}

/**
 * Gathers row XML and deflates it in pieces behind the rows' building (a piece in flight at a
 * time, the next push waits beyond that); where the bytes go is the subclass's. A failure of
 * a piece is told by the next push or by `finish`.
 */
export abstract class DeflatingSpill implements Spill {
  count = 0;
  #buf = "";
  #deflater: Deflater | null = new Deflater();
  /** Pieces being deflated and stored, one after the other, while the rows keep coming. */
  #chain: Promise<void> = Promise.resolve();
  #inFlight = 0;
  /** The first failure of a piece in the background, told by the next push or finish. */
  #failed: { error: unknown } | null = null;

  protected abstract store(chunks: Uint8Array[]): Promise<void>;
  protected abstract read(reuse: boolean): AsyncIterable<Uint8Array>;

  push(rowXml: string): Promise<void> | undefined {
    if (this.#failed) throw this.#failed.error;
    this.count++;
    this.#buf += rowXml;
    if (this.#buf.length < FLUSH_CHARS) return undefined;
    this.#flush();
    // one piece deflated behind the rows' building; a second waits for the first
    return this.#inFlight > 1 ? this.#chain : undefined;
  }

  /** Queues the gathered rows' deflating and storing after the pieces before them. */
  #flush(): void {
    if (!this.#buf) return;
    const text = this.#buf;
    this.#buf = "";
    this.#inFlight++;
    this.#chain = this.#chain.then(async () => {
      if (this.#failed) return;
      await this.store(await this.#deflater!.push(text));
    }).catch((error) => {
      this.#failed ??= { error };
    }).finally(() => {
      this.#inFlight--;
    });
  }

  async finish(o: { reuse?: boolean } = {}): Promise<SpilledRows> {
    this.#flush();
    await this.#chain;
    if (this.#failed) throw this.#failed.error;
    const d = this.#deflater!;
    d.close();
    this.#deflater = null;
    return {
      count: this.count,
      crc: d.crc,
      size: d.size,
      chunks: () => this.read(o.reuse ?? false),
    };
  }

  async dispose(): Promise<void> {
    // a piece still being deflated finishes before its stream is freed
    await this.#chain;
    this.#deflater?.close();
    this.#deflater = null;
  }
}

/** Deflated rows in a temporary file. */
class FileSpill extends DeflatingSpill {
  constructor(readonly path: string, private readonly file: Deno.FsFile) {
    super();
  }

  protected async store(chunks: Uint8Array[]): Promise<void> {
    for (const bytes of chunks) {
      let written = 0;
      while (written < bytes.length) written += await this.file.write(bytes.subarray(written));
    }
  }

  protected async *read(reuse: boolean): AsyncIterable<Uint8Array> {
    this.file.close();
    const file = await Deno.open(this.path, { read: true });
    // A buffer per chunk is memory outside the heap that comes back only at a collection: the
    // tickets' 20 MB of chunks would pile up before one.
    let buffer: Uint8Array | null = null;
    try {
      for (;;) {
        const chunk: Uint8Array = reuse
          ? buffer ??= new Uint8Array(READ_BYTES)
          : new Uint8Array(READ_BYTES);
        const n = await file.read(chunk);
        if (n === null) break;
        yield chunk.subarray(0, n);
      }
    } finally {
      file.close();
    }
  }

  override async dispose(): Promise<void> {
    await super.dispose();
    try {
      this.file.close();
    } catch {
      // already closed by read()
    }
    await Deno.remove(this.path).catch(() => {});
  }
}

/** Deflated rows kept in memory. */
class MemorySpill extends DeflatingSpill {
  #chunks: Uint8Array[] = [];

  protected store(chunks: Uint8Array[]): Promise<void> {
    this.#chunks.push(...chunks);
    return Promise.resolve();
  }

  protected async *read(): AsyncIterable<Uint8Array> {
    yield* this.#chunks;
  }

  override async dispose(): Promise<void> {
    await super.dispose();
    this.#chunks = [];
  }
}

/** A spill in a temporary file, or in memory when `memory` is set or no file can be made. */
export async function openSpill(memory = false): Promise<Spill> {
  if (!memory) {
    try {
      const path = await Deno.makeTempFile({ prefix: "report_", suffix: ".xml.deflate" });
      const file = await Deno.open(path, { write: true, truncate: true });
      return new FileSpill(path, file);
    } catch {
      // no writable temp directory: fall through to memory
    }
  }
  return new MemorySpill();
}
