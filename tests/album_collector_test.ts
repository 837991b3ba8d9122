import assert from "node:assert/strict";
import type { Message } from "grammy/types";
import { KvAlbumCollector } from "../src/bots/album_collector.ts";
import type { Incoming } from "../src/services/relay.ts";
import { saveAlbumPart } from "../src/storage/albums.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CHAT = 42;
const GROUP = "g1";

function part(id: number): Incoming {
  const message = {
    message_id: id,
    date: 0,
    chat: { id: CHAT, type: "private", first_name: "C" },
    media_group_id: GROUP,
    photo: [],
  } as unknown as Message;
  return { updateId: 100 + id, message };
}

/** Three parts stored long ago (before a restart): due at once. */
async function storeAlbum(kv: Deno.Kv): Promise<void> {
  for (const id of [3, 1, 2]) await saveAlbumPart(kv, CHAT, GROUP, id, part(id), 0);
}

async function count(kv: Deno.Kv, prefix: Deno.KvKey): Promise<number> {
  let n = 0;
  for await (const _ of kv.list({ prefix })) n++;
  return n;
}

/** A hand-on that takes a while, so that concurrent callers really overlap. */
function recorder() {
  const calls: number[][] = [];
  const recover = async (items: Incoming[]) => {
    calls.push(items.map((i) => i.message.message_id));
    await sleep(30);
  };
  return { calls, recover };
}

Deno.test("album collector: two concurrent flushDue calls (one instance or two) hand an album on once", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await storeAlbum(kv);
    const { calls, recover } = recorder();
    const o = { windowMs: 20, leaseMs: 150, recover };
    const a = new KvAlbumCollector(kv, o);
    const b = new KvAlbumCollector(kv, o);
    await Promise.all([a.flushDue(), a.flushDue(), b.flushDue()]);
    // the callers that found it busy look again after the lease: by then it is gone
    await sleep(250);
    assert.deepEqual(calls, [[1, 2, 3]]);
    assert.equal(await count(kv, ["album"]), 0);
    assert.equal(await count(kv, ["album_claim"]), 0);
    await Promise.all([a.flushAll(), b.flushAll()]);
  } finally {
    kv.close();
  }
});

Deno.test("album collector: a part's own timer and another instance's flushDue hand an album on once", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const { calls, recover } = recorder();
    const flushed: number[][] = [];
    const flush = async (items: Incoming[]) => {
      flushed.push(items.map((i) => i.message.message_id));
      await sleep(30);
    };
    const a = new KvAlbumCollector(kv, { windowMs: 40, leaseMs: 150 });
    // the other instance's clock is ahead, so the album is due for it right away
    const b = new KvAlbumCollector(kv, {
      windowMs: 40,
      leaseMs: 150,
      recover,
      now: () => Date.now() + 40,
    });
    for (const id of [1, 2, 3]) await a.add(part(id), flush);
    await sleep(35);
    await Promise.all([b.flushDue(), sleep(20)]);
    await sleep(250);
    assert.equal(calls.length + flushed.length, 1, JSON.stringify({ calls, flushed }));
    assert.deepEqual([...calls, ...flushed][0], [1, 2, 3]);
    assert.equal(await count(kv, ["album"]), 0);
    await Promise.all([a.flushAll(), b.flushAll()]);
  } finally {
    kv.close();
  }
});

Deno.test("album collector: after a restart, resume hands a stored album on by its own timer, and its hand-on may flush the chat", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await storeAlbum(kv);
    const calls: number[][] = [];
    const c: KvAlbumCollector = new KvAlbumCollector(kv, {
      windowMs: 30,
      recover: async (items) => {
        // what the handler of a redispatched part does first: it must not wait for itself
        await c.flushChat(CHAT, GROUP);
        calls.push(items.map((i) => i.message.message_id));
      },
    });
    await c.resume();
    assert.deepEqual(calls, [], "waits for the window first");
    const end = Date.now() + 2_000;
    while (!calls.length && Date.now() < end) await sleep(5);
    assert.deepEqual(calls, [[1, 2, 3]]);
    await c.flushChat(CHAT);
    assert.equal(await count(kv, ["album"]), 0);
    await c.flushAll();
    assert.deepEqual(calls, [[1, 2, 3]]);
  } finally {
    kv.close();
  }
});
