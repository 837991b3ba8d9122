import assert from "node:assert/strict";
import zlib from "node:zlib";
import { DeflatingSpill } from "./spill.ts";

/** A spill keeping its pieces in order, failing the store of piece `failAt` (1-based). */
class TestSpill extends DeflatingSpill {
  readonly pieces: Uint8Array[] = [];
  stores = 0;
  constructor(readonly failAt = Infinity) {
    super();
  }
  protected async store(chunks: Uint8Array[]): Promise<void> {
    // a store that takes a while, as a file's write does
    await new Promise((r) => setTimeout(r, 1));
    if (++this.stores === this.failAt) throw new Error("Cannot write the spill: disk full");
    this.pieces.push(...chunks);
  }
  protected async *read(): AsyncIterable<Uint8Array> {
    yield* this.pieces;
  }
}

const row = (i: number) => `<row r="${i}"><c r="A${i}"><v>${i}</v></c>${"x".repeat(500)}</row>`;

Deno.test("spill: rows deflated behind the building come back whole and in order", async () => {
  const spill = new TestSpill();
  let xml = "";
  for (let i = 1; i <= 2000; i++) {
    xml += row(i);
    const waiting = spill.push(row(i));
    if (waiting) await waiting;
  }
  const done = await spill.finish();
  assert.equal(done.count, 2000);
  assert.ok(spill.stores > 10, "several pieces");
  const parts: Uint8Array[] = [];
  for await (const c of done.chunks()) parts.push(c);
  // the pieces end with sync flushes and no final block: an empty final block closes them
  const joined = new Uint8Array([...parts.flatMap((p) => [...p]), 0x03, 0x00]);
  assert.equal(new TextDecoder().decode(zlib.inflateRawSync(joined)), xml);
  await spill.dispose();
});

Deno.test("spill: a piece that fails to be stored is told, not lost or left unhandled", async () => {
  const spill = new TestSpill(2);
  let told: unknown = null;
  try {
    for (let i = 1; i <= 2000; i++) {
      const waiting = spill.push(row(i));
      if (waiting) await waiting;
    }
    await spill.finish();
  } catch (e) {
    told = e;
  }
  assert.ok(told instanceof Error);
  assert.match(told.message, /disk full/);
  await spill.dispose();
});
