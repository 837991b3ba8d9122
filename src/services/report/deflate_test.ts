import assert from "node:assert/strict";
import zlib from "node:zlib";
import { crc32, crc32Combine, Deflater } from "./deflate.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);

function join(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

Deno.test("deflate: the CRC-32 of two pieces combined is the CRC-32 of the whole", () => {
  assert.equal(crc32(utf8("123456789")), 0xcbf43926, "the standard check value");
  const a = utf8('<row r="2">Привет</row>'.repeat(50));
  const b = utf8('<row r="3">hello</row>'.repeat(3000));
  assert.equal(crc32Combine(crc32(a), crc32(b), b.length), crc32(join([a, b])));
  assert.equal(crc32Combine(crc32(a), 0, 0), crc32(a), "an empty second piece");
  assert.equal(crc32Combine(0, crc32(b), b.length), crc32(b), "an empty first piece");
});

Deno.test("deflate: pieces deflated by different streams, one after the other, inflate as one", async () => {
  const head = new Deflater();
  const body = new Deflater();
  const tail = new Deflater();
  const texts = ["<head>", "<row>x</row>".repeat(20_000), "<row>Ещё</row>".repeat(7000), "</end>"];
  const bytes: Uint8Array[] = [];
  bytes.push(...await head.push(texts[0]!));
  bytes.push(...await body.push(texts[1]!), ...await body.push(texts[2]!));
  bytes.push(...await tail.push(texts[3]!), ...await tail.finish());
  head.close();
  body.close();
  const whole = utf8(texts.join(""));
  const inflated = zlib.inflateRawSync(join(bytes));
  assert.equal(inflated.length, whole.length);
  assert.deepEqual(new Uint8Array(inflated), whole);
  const crc = crc32Combine(crc32Combine(head.crc, body.crc, body.size), tail.crc, tail.size);
  assert.equal(crc, crc32(whole));
  assert.equal(head.size + body.size + tail.size, whole.length);
});
