/**
 * Every KV record to a file and back, for moving a service between machines or to Deno
 * Deploy. One JSON line per record; values keep their types (numbers, bigints, bytes, dates,
 * 64-bit counters).
 *
 * @module
 */

type Tagged =
  | { $bigint: string }
  | { $u64: string }
  | { $bytes: number[] }
  | { $date: number }
  | { $undefined: true };

function encode(v: unknown): unknown {
  if (typeof v === "bigint") return { $bigint: v.toString() } satisfies Tagged;
  if (v instanceof Deno.KvU64) return { $u64: v.value.toString() } satisfies Tagged;
  if (v instanceof Uint8Array) return { $bytes: [...v] } satisfies Tagged;
  if (v instanceof Date) return { $date: v.getTime() } satisfies Tagged;
  if (v === undefined) return { $undefined: true } satisfies Tagged;
  if (Array.isArray(v)) return v.map(encode);
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x)]));
  }
  return v;
}

function decode(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decode);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if ("$bigint" in o) return BigInt(o.$bigint as string);
    if ("$u64" in o) return new Deno.KvU64(BigInt(o.$u64 as string));
    if ("$bytes" in o) return new Uint8Array(o.$bytes as number[]);
    if ("$date" in o) return new Date(o.$date as number);
    if ("$undefined" in o) return undefined;
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decode(x)]));
  }
  return v;
}

/** Writes every record as a JSON line through `write`; returns the number of records. */
export async function exportAll(
  kv: Deno.Kv,
  write: (line: string) => Promise<void>,
): Promise<number> {
  let n = 0;
  for await (const e of kv.list({ prefix: [] })) {
    await write(JSON.stringify({ key: encode(e.key), value: encode(e.value) }) + "\n");
    n++;
  }
  return n;
}

/** Thrown when restoring into a KV that already holds data. */
export class NotEmptyError extends Error {
  override name = "NotEmptyError";
}

/** Reads records written by {@linkcode exportAll} into an empty KV; returns their number. */
export async function importAll(kv: Deno.Kv, lines: AsyncIterable<string>): Promise<number> {
  for await (const _ of kv.list({ prefix: [] }, { limit: 1 })) {
    throw new NotEmptyError("Cannot restore: the target KV is not empty");
  }
  let n = 0;
  let op = kv.atomic();
  let inOp = 0;
  for await (const line of lines) {
    if (!line.trim()) continue;
    const { key, value } = JSON.parse(line) as { key: unknown; value: unknown };
    op.set(decode(key) as Deno.KvKey, decode(value));
    n++;
    if (++inOp >= 200) {
      await op.commit();
      op = kv.atomic();
      inOp = 0;
    }
  }
  if (inOp) await op.commit();
  return n;
}
