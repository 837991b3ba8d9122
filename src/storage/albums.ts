/**
 * Album parts kept in KV while the rest of the album arrives: each part may reach a different
 * instance (webhook mode), and a part's update leaves the durable inbox as soon as its part is
 * stored here (both modes), so an album survives a restart in its window.
 *
 * @module
 */
import { K } from "./keys.ts";
import { CONFLICT, retryKv } from "./retry.ts";

/** Long enough to outlive any outage the inbox outlives; a handed-on album is deleted at once. */
const PART_TTL_MS = 7 * 86_400_000;

interface StoredPart<T> {
  part: T;
  /** When the part was stored: the album's window is counted from its newest part. */
  at: number;
}

/** Stores one part (idempotent: a redelivered part only refreshes its time). */
export async function saveAlbumPart<T>(
  kv: Deno.Kv,
  chatId: number,
  group: string,
  messageId: number,
  part: T,
  at: number,
): Promise<void> {
  const value: StoredPart<T> = { part, at };
  await kv.set(K.albumPart(chatId, group, messageId), value, { expireIn: PART_TTL_MS });
}

/** An album with parts in KV. */
export interface StoredAlbum {
  chatId: number;
  group: string;
  /** Message id of its newest part. */
  lastId: number;
  /** When its newest part was stored. */
  lastAt: number;
}

/** Every album with parts in KV (keys sort by chat, group, message id). */
export async function listAlbums(kv: Deno.Kv): Promise<StoredAlbum[]> {
  const out: StoredAlbum[] = [];
  for await (const e of kv.list<StoredPart<unknown>>({ prefix: K.albumsAll() })) {
    const [, chatId, group, messageId] = e.key as [string, number, string, number];
    const prev = out[out.length - 1];
    if (prev && prev.chatId === chatId && prev.group === group) {
      prev.lastId = messageId;
      prev.lastAt = Math.max(prev.lastAt, e.value.at ?? 0);
    } else out.push({ chatId, group, lastId: messageId, lastAt: e.value.at ?? 0 });
  }
  return out;
}

/** What {@linkcode claimAlbum} found. */
export type AlbumClaim<T> =
  /** The caller hands the album on, then calls `done` (which forgets the parts). */
  | { kind: "claimed"; parts: T[]; done: () => Promise<void> }
  /** Another caller holds the album until `until` (it may have died: then it is free after). */
  | { kind: "busy"; until: number }
  /** Nothing to do: no parts, or `lastId` is no longer the newest part. */
  | { kind: "none" };

/**
 * Leases an album's parts to one caller for `leaseMs` if `lastId` (when given) is still its
 * newest part and no other lease is running. The parts stay in KV until `done`: a caller that
 * dies while handing the album on leaves it to the next one after the lease, and the relay's
 * processed-update marks make handing it on twice harmless.
 */
export async function claimAlbum<T>(
  kv: Deno.Kv,
  chatId: number,
  group: string,
  o: { lastId?: number; now: number; leaseMs: number },
): Promise<AlbumClaim<T>> {
  const claimKey = K.albumClaim(chatId, group);
  // a conflict means a part or a lease changed under us: look again, a few times (a caller
  // that keeps losing treats the album as busy and looks later)
  return await retryKv("claim the album", async (): Promise<AlbumClaim<T> | typeof CONFLICT> => {
    const entries: Deno.KvEntry<StoredPart<T>>[] = [];
    for await (const e of kv.list<StoredPart<T>>({ prefix: K.albumParts(chatId, group) })) {
      entries.push(e);
    }
    const newest = entries[entries.length - 1];
    if (!newest || (o.lastId !== undefined && newest.key[3] !== o.lastId)) return { kind: "none" };
    const claim = await kv.get<{ until: number }>(claimKey);
    if (claim.value && claim.value.until > o.now) return { kind: "busy", until: claim.value.until };
    const op = kv.atomic().check(claim);
    for (const e of entries) op.check(e);
    const res = await op.set(claimKey, { until: o.now + o.leaseMs }, { expireIn: PART_TTL_MS })
      .commit();
    if (!res.ok) return CONFLICT;
    return {
      kind: "claimed",
      parts: entries.map((e) => e.value.part),
      done: async () => {
        // only while the lease is still ours; a part that came after the claim stays
        const del = kv.atomic().check({ key: claimKey, versionstamp: res.versionstamp })
          .delete(claimKey);
        for (const e of entries) del.delete(e.key);
        await del.commit();
      },
    };
  }, { attempts: 5, exhausted: () => ({ kind: "busy", until: o.now }) });
}
