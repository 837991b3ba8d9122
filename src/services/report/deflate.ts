/**
 * Raw deflate (RFC 1951) in pieces that can be joined, and the CRC-32 of the zip entries.
 *
 * Each piece ends with a sync flush: the output so far ends on a byte boundary with no final
 * block, so pieces deflated by different streams, one after the other, make one valid deflate
 * stream as long as only the last piece ends with a final block. That lets a sheet's rows be
 * deflated while the report scans, before the sheet's head (its column widths) is known; the
 * CRC-32 of the whole is then combined from the parts' ones (zlib's crc32_combine).
 *
 * @module
 */
import zlib from "node:zlib";

/** CRC-32 (ISO 3309), by table where node:zlib has no crc32 (older Deno). */
const crcTable = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
const zlibCrc = (zlib as unknown as { crc32?: (d: Uint8Array, v?: number) => number }).crc32;

/** CRC-32 of `data`, continuing from `value` (the CRC of what came before). */
export function crc32(data: Uint8Array, value = 0): number {
  if (zlibCrc) return zlibCrc(data, value) >>> 0;
  let c = (value ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const POLY = 0xedb88320;
const TOP = 0x80000000;

/** a · b modulo the CRC polynomial (bit-reflected), as zlib's multmodp. */
function multModP(a: number, b: number): number {
  let m = TOP, p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

/** x^(2^k) modulo the polynomial, k = 0..31. */
const X2N = (() => {
  const t = new Array<number>(32);
  let p = TOP >>> 1; // x^1
  t[0] = p;
  for (let k = 1; k < 32; k++) t[k] = p = multModP(p, p);
  return t;
})();

/** x^(n · 2^k) modulo the polynomial. */
function x2nModP(n: number, k: number): number {
  let p = TOP; // x^0
  while (n) {
    if (n % 2) p = multModP(X2N[k & 31]!, p);
    n = Math.floor(n / 2);
    k++;
  }
  return p;
}

/** The CRC-32 of A followed by B, from CRC(A), CRC(B) and B's length in bytes. */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  return (multModP(x2nModP(lengthB, 3), crcA) ^ crcB) >>> 0;
}

/**
 * One deflate stream fed text piece by piece: each {@link push} hands back the compressed bytes
 * of that piece (ending with a sync flush), {@link finish} the final block. It keeps the CRC-32
 * and the length of the UTF-8 it was given. The text is encoded into one reused buffer and
 * deflated by the one zlib stream: a fresh buffer or zlib context per piece is memory outside
 * the JS heap, which comes back late.
 */
export class Deflater {
  crc = 0;
  size = 0;
  readonly #encoder = new TextEncoder();
  readonly #z = zlib.createDeflateRaw({ level: 1 });
  #raw = new Uint8Array(0);
  #out: Uint8Array[] = [];

  constructor() {
    this.#z.on("data", (chunk: Uint8Array) => void this.#out.push(chunk));
  }

  /** Deflates `text`; returns its compressed bytes, byte-aligned, with no final block. */
  async push(text: string): Promise<Uint8Array[]> {
    // UTF-8 takes at most 3 bytes per UTF-16 unit
    if (this.#raw.length < text.length * 3) this.#raw = new Uint8Array(text.length * 3);
    const raw = this.#raw.subarray(0, this.#encoder.encodeInto(text, this.#raw).written);
    this.crc = crc32(raw, this.crc);
    this.size += raw.length;
    const z = this.#z;
    await new Promise<void>((resolve, reject) =>
      z.write(raw, (err) => err ? reject(err) : resolve())
    );
    // a sync flush hands out everything taken so far (the buffer is then free to reuse)
    await new Promise<void>((resolve) => z.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve()));
    return this.#take();
  }

  /** Ends the stream: the final block. */
  async finish(): Promise<Uint8Array[]> {
    const z = this.#z;
    await new Promise<void>((resolve, reject) => {
      z.once("end", () => resolve());
      z.once("error", reject);
      z.end();
    });
    return this.#take();
  }

  /** Frees the stream without a final block (its pieces go on in another stream). */
  close(): void {
    this.#z.close();
  }

  #take(): Uint8Array[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }
}
