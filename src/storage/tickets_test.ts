import assert from "node:assert/strict";
import type { MessageRecord } from "../domain/records.ts";
import { close, managerReplied, reopen, take, transfer } from "../domain/ticket.ts";
import { K } from "./keys.ts";
import { type FloodMeter, floodStep } from "./sla.ts";
import {
  changeTicket,
  createTicket,
  findMessageRef,
  getMessage,
  getTicket,
  listEvents,
  listMessages,
  notePostAttempt,
  setPostId,
  setThreadRoot,
  ticketByPost,
  ticketByThread,
  ticketsByClient,
  ticketsByManager,
  ticketsByStatus,
} from "./tickets.ts";

const manager = { role: "manager" as const, id: 500 };

function msg(n: number, seq: number, text: string, chatId = 42, messageId = seq): MessageRecord {
  return {
    ticket: n,
    seq,
    at: 1,
    direction: "in",
    senderId: 42,
    kind: "text",
    text,
    source: { chatId, messageId },
    delivery: "pending",
  };
}

Deno.test("storage: 200 concurrent creations from two KV handles on one file give 1..200", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/kv.sqlite`;
  const a = await Deno.openKv(path);
  const b = await Deno.openKv(path);
  try {
    const runs = Array.from(
      { length: 200 },
      (_, i) => createTicket(i % 2 ? a : b, { topic: "T", clientId: 1000 + (i % 7), at: i }),
    );
    const results = await Promise.all(runs);
    const numbers = results.map((r) => (r.ok ? r.ticket.number : -1)).sort((x, y) => x - y);
    assert.deepEqual(numbers, Array.from({ length: 200 }, (_, i) => i + 1));
    assert.equal((await a.get(K.ticketCounter())).value, 200);
    let count = 0;
    for await (const _ of a.list({ prefix: K.tickets() })) count++;
    assert.equal(count, 200);
  } finally {
    a.close();
    b.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("storage: a ticket round-trips and its indexes follow every change", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const created = await createTicket(kv, { topic: "Billing", clientId: 42, at: 100 });
    assert.ok(created.ok);
    const n = created.ticket.number;
    assert.deepEqual(await getTicket(kv, n), created.ticket);
    const statusOf = async () =>
      (await Promise.all(
        (["open", "in_progress", "closed"] as const).map(async (s) =>
          (await ticketsByStatus(kv, s)).map((t) => `${s}:${t.number}`)
        ),
      )).flat();
    assert.deepEqual(await statusOf(), [`open:${n}`]);
    assert.deepEqual((await ticketsByClient(kv, 42)).map((t) => t.number), [n]);

    const step = (fn: Parameters<typeof changeTicket>[3]) => changeTicket(kv, n, 200, fn);
    const transition = (r: ReturnType<typeof take>) =>
      r.ok ? { ticket: r.ticket, events: [], result: undefined } : { refuse: r.reason };
    assert.ok((await step((t) => transition(take(t, manager, 200)))).ok);
    assert.deepEqual(await statusOf(), [`in_progress:${n}`]);
    assert.deepEqual((await ticketsByManager(kv, 500)).map((t) => t.number), [n]);

    assert.ok((await step((t) => transition(transfer(t, manager, 501, 300)))).ok);
    assert.deepEqual(await ticketsByManager(kv, 500), []);
    assert.deepEqual((await ticketsByManager(kv, 501)).map((t) => t.number), [n]);

    const holder = { role: "manager" as const, id: 501 };
    assert.ok((await step((t) => transition(close(t, holder, 400)))).ok);
    assert.deepEqual(await statusOf(), [`closed:${n}`]);
    const refused = await step((t) => transition(close(t, holder, 500)));
    assert.deepEqual(refused, { ok: false, reason: "already_closed" });
    assert.ok((await step((t) => transition(reopen(t, holder, 600)))).ok);
    assert.deepEqual(await statusOf(), [`in_progress:${n}`]);
    assert.deepEqual(await changeTicket(kv, 999, 1, () => ({ refuse: "closed" })), {
      ok: false,
      reason: "not_found",
    });
  } finally {
    kv.close();
  }
});

Deno.test("storage: messages and events in order; source and copy both find the record", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const created = await createTicket(kv, {
      topic: "T",
      clientId: 42,
      at: 1,
      with: (_t, next) => ({ messages: [msg(1, next(), "first")], result: undefined }),
    });
    assert.ok(created.ok);
    for (const text of ["second", "third"]) {
      await changeTicket(kv, 1, 2, (t, next) => {
        const r = managerReplied(t, manager, 2);
        if (!r.ok) return { refuse: r.reason };
        const seq = next();
        return {
          ticket: r.ticket,
          events: [{ ...r.event, seq: next() }],
          messages: [{ ...msg(1, seq, text), copy: { chatId: -100, messageId: seq * 10 } }],
          result: undefined,
        };
      });
    }
    const texts = (await listMessages(kv, 1)).map((m) => m.text);
    assert.deepEqual(texts, ["first", "second", "third"]);
    assert.deepEqual((await listEvents(kv, 1)).map((e) => e.type), [
      "created",
      "replied",
      "replied",
    ]);
    const bySource = await findMessageRef(kv, 42, 5);
    const byCopy = await findMessageRef(kv, -100, 50);
    assert.deepEqual(bySource, byCopy);
    assert.equal((await getMessage(kv, 1, bySource!.seq))?.text, "third");
  } finally {
    kv.close();
  }
});

Deno.test("storage: a text larger than 64 KiB is stored and read back whole", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const huge = "Привет, мир! 👋 ".repeat(12_000); // ~ 250 KB of UTF-8 with surrogate pairs
    assert.ok(new TextEncoder().encode(huge).length > 65_536);
    const created = await createTicket(kv, {
      topic: "T",
      clientId: 42,
      at: 1,
      with: (_t, next) => ({ messages: [msg(1, next(), huge)], result: undefined }),
    });
    assert.ok(created.ok);
    const [m] = await listMessages(kv, 1);
    assert.equal(m?.text, huge);
    assert.equal((await getMessage(kv, 1, m!.seq))?.text, huge);
    const raw = await kv.get<MessageRecord>(K.message(1, m!.seq));
    assert.equal(raw.value?.text, undefined, "the record itself stays small");
  } finally {
    kv.close();
  }
});

Deno.test("storage: the same update processed twice changes the ticket once", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await createTicket(kv, { topic: "T", clientId: 42, at: 1 });
    const write = () =>
      changeTicket(
        kv,
        1,
        5,
        (_t, next) => ({ messages: [msg(1, next(), "hi", 42, 77)], result: "done" }),
        [{ bot: "client", updateId: 9 }],
      );
    const [a, b] = await Promise.all([write(), write()]);
    assert.deepEqual([a.ok, b.ok].sort(), [false, true]);
    assert.deepEqual(await write(), { ok: false, reason: "duplicate" });
    assert.equal((await listMessages(kv, 1)).length, 1);
  } finally {
    kv.close();
  }
});

Deno.test("storage: thread root arriving before or after the post id ends up on the ticket", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await createTicket(kv, { topic: "T", clientId: 42, at: 1 });
    await createTicket(kv, { topic: "T", clientId: 42, at: 1 });
    // post id first, then root
    await setPostId(kv, 1, 11, 2);
    assert.equal((await setThreadRoot(kv, 11, 111, 3))?.threadId, 111);
    // root first, then post id
    assert.equal(await setThreadRoot(kv, 22, 222, 3), null);
    const t2 = await setPostId(kv, 2, 22, 4);
    assert.equal(t2.threadId, 222);
    assert.equal(await ticketByPost(kv, 22), 2);
    assert.equal(await ticketByThread(kv, 222), 2);
    assert.equal(await ticketByThread(kv, 111), 1);
    assert.equal((await kv.get(K.rootEarly(22))).value, null);
  } finally {
    kv.close();
  }
});

Deno.test("storage: concurrent changes of one ticket never share a sequence number", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await createTicket(kv, { topic: "T", clientId: 42, at: 1 });
    await createTicket(kv, { topic: "T", clientId: 43, at: 1 });
    // interleave two tickets so that group commits have company
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        changeTicket(kv, 1 + (i % 2), 2, (_t, next) => ({
          messages: [msg(1 + (i % 2), next(), `m${i}`, 42, 1000 + i)],
          result: undefined,
        }))),
    );
    for (const n of [1, 2]) {
      const texts = (await listMessages(kv, n)).map((m) => m.text).sort();
      const want = Array.from({ length: 60 }, (_, i) => i).filter((i) => 1 + (i % 2) === n)
        .map((i) => `m${i}`).sort();
      assert.deepEqual(texts, want);
    }
  } finally {
    kv.close();
  }
});

Deno.test("storage: a post adopted from its forward keeps the ticket; a second one is linked", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await createTicket(kv, { topic: "T", clientId: 42, at: 1 });
    // without an attempt of ticket 1 the forward naming it is not adopted
    assert.equal(await setThreadRoot(kv, 5, 50, 2, 1), null);
    await notePostAttempt(kv, 1, 2);
    // the send of post 11 lost its answer: its forward adopts it
    const t1 = await setThreadRoot(kv, 11, 111, 3, 1);
    assert.equal(t1?.postId, 11);
    assert.equal(t1?.threadId, 111);
    // the repeated send came back: post 12 is a duplicate, root first or post id first
    const t2 = await setPostId(kv, 1, 12, 4);
    assert.equal(t2.postId, 11);
    assert.deepEqual(t2.duplicates, [{ postId: 12, threadId: null }]);
    const t3 = await setThreadRoot(kv, 12, 112, 5);
    assert.equal(t3?.threadId, 111, "the main thread stays");
    assert.deepEqual(t3?.duplicates, [{ postId: 12, threadId: 112 }]);
    // a late forward of yet another post of the ticket
    const t4 = await setThreadRoot(kv, 13, 113, 6, 1);
    assert.equal(t4?.duplicates?.length, 2);
    for (const root of [111, 112, 113]) assert.equal(await ticketByThread(kv, root), 1);
    for (const post of [11, 12, 13]) assert.equal(await ticketByPost(kv, post), 1);
  } finally {
    kv.close();
  }
});

Deno.test("storage: a change after another process's write of the ticket sees that write, never its own older copy", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/kv.sqlite`;
  const a = await Deno.openKv(path);
  const b = await Deno.openKv(path);
  const closeBy = (kv: Deno.Kv, at: number) =>
    changeTicket(kv, 1, at, (t) => {
      const r = close(t, manager, at);
      return r.ok ? { ticket: r.ticket, result: undefined } : { refuse: r.reason };
    });
  const reopenBy = (kv: Deno.Kv, at: number) =>
    changeTicket(kv, 1, at, (t) => {
      const r = reopen(t, manager, at);
      return r.ok ? { ticket: r.ticket, result: undefined } : { refuse: r.reason };
    });
  const write = (kv: Deno.Kv, text: string, updateId: number) =>
    changeTicket(
      kv,
      1,
      5,
      (_t, next) => ({ messages: [msg(1, next(), text, 42, updateId)], result: undefined }),
      [{ bot: "client", updateId }],
    );
  try {
    await createTicket(a, { topic: "T", clientId: 42, at: 1 });
    // `a` changes the ticket (and keeps what it committed), then `b` closes it
    assert.equal((await write(a, "one", 1)).ok, true);
    assert.equal((await closeBy(b, 2)).ok, true);
    // `a` still holds the ticket open: closing it again must be refused from the fresh read
    assert.deepEqual(await closeBy(a, 3), { ok: false, reason: "already_closed" });
    // `a` writes into the closed ticket (and keeps it closed), `b` reopens it: `a` closing it
    // must not be refused from what `a` last committed
    assert.equal((await write(a, "two", 2)).ok, true);
    assert.equal((await reopenBy(b, 4)).ok, true);
    assert.equal((await closeBy(a, 5)).ok, true, "closed by a: it was open");
    assert.equal((await write(b, "three", 3)).ok, true);
    assert.equal((await write(a, "four", 4)).ok, true);
    // the same update again through the handle that knows the ticket: still a duplicate
    assert.deepEqual(await write(a, "four", 4), { ok: false, reason: "duplicate" });
    const t = await getTicket(a, 1);
    assert.ok(t);
    assert.equal(t.status, "closed");
    const seqs = (await listMessages(a, 1)).map((m) => m.seq);
    assert.equal(seqs.length, 4);
    assert.equal(new Set(seqs).size, 4, "no sequence number given twice");
    assert.deepEqual((await listMessages(a, 1)).map((m) => m.text), [
      "one",
      "two",
      "three",
      "four",
    ]);
  } finally {
    a.close();
    b.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("storage: a write riding on a ticket's change commits with it, or is left to its caller when its check fails", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const created = await createTicket(kv, { topic: "t", clientId: 42, at: 1 });
    assert.ok(created.ok);
    const n = created.ticket.number;
    const change = (text: string) => (_t: unknown, next: () => number) => ({
      messages: [msg(n, next(), text)],
      result: undefined,
    });
    // the meter as read, then written by someone else before the change commits
    const stale = await kv.get<FloodMeter>(K.flood(42));
    await kv.set(K.flood(42), { minute: 0, count: 5 });
    const late = floodStep(42, 1_000, 60_000, stale);
    const first = await changeTicket(kv, n, 1_000, change("a"), [], late);
    // the change went in (retried without the ride), the other writer's meter stays
    assert.ok(first.ok);
    assert.equal(late.done, false);
    assert.equal((await listMessages(kv, n)).length, 1);
    assert.deepEqual((await kv.get(K.flood(42))).value, { minute: 0, count: 5 });
    // as read: written in the same operation as the change
    const fresh = floodStep(42, 1_000, 60_000, await kv.get<FloodMeter>(K.flood(42)));
    assert.equal(fresh.count, 6);
    const second = await changeTicket(kv, n, 1_000, change("b"), [], fresh);
    assert.ok(second.ok);
    assert.equal(fresh.done, true);
    const meter = await kv.get<FloodMeter>(K.flood(42));
    assert.deepEqual(meter.value, { minute: 0, count: 6 });
    assert.equal(meter.versionstamp, second.versionstamp);
  } finally {
    kv.close();
  }
});
