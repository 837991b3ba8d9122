/**
 * Every KV record to a file and back, for moving a service between machines or to Deno
 * Deploy. One JSON line per record; values keep their types (numbers, bigints, bytes, dates,
 * 64-bit counters).
 *
 * @module
 */
import { K } from "./keys.ts";

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

/** The first line of a backup: what it holds. Older backups start with a record. */
export interface BackupHeader {
  format: "helpdesk-backup";
  version: 1;
  /** false when the bot tokens were left out (they are pasted again after a restore). */
  tokens: boolean;
}

const TOKEN_FIELDS = ["clientBotToken", "managerBotToken"] as const;

/**
 * Writes a header line, then every record as a JSON line through `write`; returns the number
 * of records. With `tokens: false` the bot tokens of the settings record are left out.
 */
export async function exportAll(
  kv: Deno.Kv,
  write: (line: string) => Promise<void>,
  o: { tokens?: boolean } = {},
): Promise<number> {
  const tokens = o.tokens ?? true;
  const header: BackupHeader = { format: "helpdesk-backup", version: 1, tokens };
  await write(JSON.stringify(header) + "\n");
  let n = 0;
  for await (const e of kv.list({ prefix: [] })) {
    let value = e.value;
    if (!tokens && e.key.length === 1 && e.key[0] === K.settings()[0] && value) {
      value = { ...value as Record<string, unknown> };
      for (const f of TOKEN_FIELDS) (value as Record<string, unknown>)[f] = null;
    }
    await write(JSON.stringify({ key: encode(e.key), value: encode(value) }) + "\n");
    n++;
  }
  return n;
}

/** Whether a line is a backup's header (and not a record). */
export function headerOf(line: string): BackupHeader | null {
  try {
    const v = JSON.parse(line) as Partial<BackupHeader>;
    return v.format === "helpdesk-backup" ? v as BackupHeader : null;
  } catch {
    return null;
  }
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
    if (!line.trim() || headerOf(line)) continue;
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

const MAGIC = "helpdesk-backup-encrypted";

async function keyOf(passphrase: string, salt: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(passphrase),
    "PBKDF2",
    false,
    ["deriveKey"],
  );
  return await crypto.subtle.deriveKey(
    { name: "PBKDF2", salt, iterations: 310_000, hash: "SHA-256" },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

const b64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));
const unb64 = (s: string): Uint8Array<ArrayBuffer> =>
  Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

/** Encrypts a whole backup with a passphrase (AES-256-GCM, key by PBKDF2-SHA-256). */
export async function encryptBackup(
  plain: Uint8Array<ArrayBuffer>,
  passphrase: string,
): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await keyOf(passphrase, salt), plain),
  );
  let body = "";
  for (let i = 0; i < data.length; i += 48_000) body += b64(data.subarray(i, i + 48_000)) + "\n";
  return `${JSON.stringify({ format: MAGIC, salt: b64(salt), iv: b64(iv) })}\n${body}`;
}

/** Whether a backup file's first line says it is encrypted. */
export function isEncrypted(firstLine: string): boolean {
  try {
    return (JSON.parse(firstLine) as { format?: string }).format === MAGIC;
  } catch {
    return false;
  }
}

/** Thrown when a backup's passphrase is wrong (or the file was altered). */
export class PassphraseError extends Error {
  override name = "PassphraseError";
}

/** Decrypts a backup written by {@linkcode encryptBackup}. */
export async function decryptBackup(text: string, passphrase: string): Promise<string> {
  const [head, ...rest] = text.split("\n");
  const h = JSON.parse(head!) as { salt: string; iv: string };
  const parts = rest.filter(Boolean).map(unb64);
  const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: unb64(h.iv) },
      await keyOf(passphrase, unb64(h.salt)),
      data,
    );
    return new TextDecoder().decode(plain);
  } catch {
    throw new PassphraseError("Cannot restore: the passphrase is wrong or the file was altered");
  }
}
