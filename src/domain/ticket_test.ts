import assert from "node:assert/strict";
import { serialize } from "node:v8";
import {
  type Actor,
  addTags,
  clientWrote,
  close,
  commentRating,
  managerReplied,
  MAX_PAUSES,
  MAX_TAG,
  MAX_TAGS,
  newTicket,
  rate,
  reopen,
  reopenCount,
  take,
  type Ticket,
  transfer,
} from "./ticket.ts";

const client: Actor = { role: "client", id: 10 };
const stranger: Actor = { role: "client", id: 11 };
const manager: Actor = { role: "manager", id: 20 };
const other: Actor = { role: "manager", id: 21 };
const admin: Actor = { role: "admin", id: 30 };

function fresh(): Ticket {
  return newTicket({ number: 1, topic: "Billing", clientId: 10, createdAt: 1000 }).ticket;
}

function ok<T extends { ok: boolean }>(r: T): Extract<T, { ok: true }> {
  assert.ok(r.ok, `expected ok, got ${JSON.stringify(r)}`);
  return r as Extract<T, { ok: true }>;
}

Deno.test("new ticket is open, unassigned, waiting since creation", () => {
  const { ticket, event } = newTicket({ number: 7, topic: "T", clientId: 10, createdAt: 5 });
  assert.equal(ticket.status, "open");
  assert.equal(ticket.managerId, null);
  assert.equal(ticket.waitingSince, 5);
  assert.deepEqual(ticket.cycles, [{ startedAt: 5 }]);
  assert.equal(event.type, "created");
});

Deno.test("open → in progress on take, by a manager or an admin only", () => {
  for (const actor of [manager, admin]) {
    const r = ok(take(fresh(), actor, 2000));
    assert.equal(r.ticket.status, "in_progress");
    assert.equal(r.ticket.managerId, actor.id);
    assert.equal(r.event.type, "taken");
  }
  assert.deepEqual(take(fresh(), client, 2000), { ok: false, reason: "not_allowed" });
});

Deno.test("take refuses a taken, own or closed ticket", () => {
  const taken = ok(take(fresh(), manager, 2000)).ticket;
  assert.deepEqual(take(taken, other, 3000), { ok: false, reason: "already_assigned" });
  assert.deepEqual(take(taken, manager, 3000), { ok: false, reason: "already_yours" });
  const closed = ok(close(fresh(), client, 2000)).ticket;
  assert.deepEqual(take(closed, manager, 3000), { ok: false, reason: "closed" });
});

Deno.test("open → in progress on the first manager reply, which assigns and records reaction", () => {
  const r = ok(managerReplied(fresh(), manager, 4000));
  assert.equal(r.ticket.status, "in_progress");
  assert.equal(r.ticket.managerId, 20);
  assert.equal(r.ticket.cycles[0]?.firstReplyAt, 4000);
  assert.equal(r.ticket.waitingSince, null);
  const again = ok(managerReplied(r.ticket, other, 5000));
  assert.equal(again.ticket.managerId, 20, "a later reply by another manager does not reassign");
  assert.equal(again.ticket.cycles[0]?.firstReplyAt, 4000, "first reply stays the first");
  assert.deepEqual(managerReplied(fresh(), client, 1), { ok: false, reason: "not_allowed" });
});

Deno.test("open → closed by the owning client; a stranger may not", () => {
  const r = ok(close(fresh(), client, 3000));
  assert.equal(r.ticket.status, "closed");
  assert.equal(r.ticket.cycles[0]?.closedAt, 3000);
  assert.deepEqual(r.ticket.cycles[0]?.closedBy, client);
  assert.deepEqual(close(fresh(), stranger, 3000), { ok: false, reason: "not_owner" });
});

Deno.test("in progress → closed by manager or admin; closed → closed refused", () => {
  const inProgress = ok(take(fresh(), manager, 2000)).ticket;
  for (const actor of [manager, admin, client]) {
    assert.equal(ok(close(inProgress, actor, 3000)).ticket.status, "closed");
  }
  // one rule on every path: another manager may not close a colleague's ticket
  assert.deepEqual(close(inProgress, other, 3000), { ok: false, reason: "not_yours" });
  const closedByMe = ok(close(inProgress, manager, 3000)).ticket;
  assert.deepEqual(reopen(closedByMe, other, 3500), { ok: false, reason: "not_yours" });
  assert.deepEqual(transfer(inProgress, other, 21, 3500), { ok: false, reason: "not_yours" });
  assert.equal(ok(transfer(inProgress, admin, 21, 3500)).ticket.managerId, 21);
  const closed = ok(close(inProgress, manager, 3000)).ticket;
  assert.deepEqual(close(closed, manager, 4000), { ok: false, reason: "already_closed" });
});

Deno.test("closed → in progress on reopen, a new cycle; open or in progress cannot reopen", () => {
  const closed = ok(close(ok(take(fresh(), manager, 2000)).ticket, manager, 3000)).ticket;
  const r = ok(reopen(closed, client, 5000));
  assert.equal(r.ticket.status, "in_progress");
  assert.equal(r.ticket.cycles.length, 2);
  assert.deepEqual(r.ticket.cycles[1], { startedAt: 5000, reopenedBy: client });
  assert.equal(r.ticket.waitingSince, 5000);
  assert.equal(reopenCount(r.ticket), 1);
  assert.deepEqual(reopen(fresh(), client, 1), { ok: false, reason: "not_closed" });
  assert.deepEqual(reopen(r.ticket, manager, 1), { ok: false, reason: "not_closed" });
  assert.deepEqual(reopen(closed, stranger, 1), { ok: false, reason: "not_owner" });
  assert.equal(ok(reopen(closed, admin, 6000)).ticket.waitingSince, null);
});

Deno.test("transfer by staff to another manager; not to the same, not when closed", () => {
  const taken = ok(take(fresh(), manager, 2000)).ticket;
  const r = ok(transfer(taken, admin, 21, 3000));
  assert.equal(r.ticket.managerId, 21);
  assert.equal(r.event.fromManagerId, 20);
  assert.deepEqual(transfer(taken, manager, 20, 3000), { ok: false, reason: "same_manager" });
  assert.deepEqual(transfer(taken, client, 21, 3000), { ok: false, reason: "not_allowed" });
  const closed = ok(close(taken, manager, 3000)).ticket;
  assert.deepEqual(transfer(closed, manager, 21, 4000), { ok: false, reason: "closed" });
  assert.equal(ok(transfer(fresh(), manager, 21, 3000)).ticket.status, "in_progress");
});

Deno.test("ratings: one per close, by the owner, 1–5, kept as a list", () => {
  assert.deepEqual(rate(fresh(), client, 5, undefined, 1), {
    ok: false,
    reason: "not_rated_yet_closed",
  });
  const closed = ok(close(fresh(), manager, 3000)).ticket;
  assert.deepEqual(rate(closed, stranger, 5, undefined, 1), { ok: false, reason: "not_owner" });
  assert.deepEqual(rate(closed, client, 6, undefined, 1), { ok: false, reason: "bad_score" });
  assert.deepEqual(rate(closed, client, 0, undefined, 1), { ok: false, reason: "bad_score" });
  const rated = ok(rate(closed, client, 4, undefined, 4000)).ticket;
  assert.deepEqual(rate(rated, client, 5, undefined, 1), { ok: false, reason: "already_rated" });
  const commented = ok(commentRating(rated, client, "quick", 4100)).ticket;
  assert.equal(commented.ratings[0]?.comment, "quick");
  const twice = ok(close(ok(reopen(commented, client, 5000)).ticket, manager, 6000)).ticket;
  const second = ok(rate(twice, client, 2, "slow", 7000)).ticket;
  assert.deepEqual(second.ratings.map((r) => [r.score, r.cycle]), [[4, 0], [2, 1]]);
});

/**
 * Reopens a ticket until it is refused, each work period grown as `grow` does; returns the
 * reopenings taken and the largest stored size (V8's serialization, as Deno KV keeps it).
 */
function reopenUntilRefused(
  grow: (t: Ticket, at: number) => Ticket,
  /** What happens to the closed period (a rating). */
  closed: (t: Ticket, at: number) => Ticket = (t) => t,
): {
  reopened: number;
  largest: number;
} {
  let t = ok(take(fresh(), manager, 2000)).ticket;
  let at = 3000;
  let largest = 0;
  const size = (x: Ticket) => (largest = Math.max(largest, serialize(x).length));
  for (let i = 0; i < 500; i++) {
    t = grow(t, at);
    at += 1e9;
    size(t);
    t = closed(ok(close(t, manager, at)).ticket, at + 1);
    size(t);
    at += 2;
    const r = reopen(t, client, ++at);
    if (!r.ok) {
      assert.equal(r.reason, "too_long");
      return { reopened: i, largest };
    }
    t = r.ticket;
  }
  throw new Error("never refused");
}

Deno.test("reopen: refused before a record could outgrow Deno KV's 64 KiB, whatever a period holds", () => {
  // the most a period can hold: every pause kept, a rating with the longest comment (Cyrillic:
  // two bytes a character), the most tags at their longest
  const worst = reopenUntilRefused((t, at) => {
    for (let k = 0; k <= MAX_PAUSES; k++) {
      t = ok(managerReplied(t, manager, at + k * 10)).ticket;
      t = ok(clientWrote(t, client.id, at + k * 10 + 5)).ticket;
    }
    const tags = Array.from({ length: MAX_TAGS }, (_, k) => `т${k}`.padEnd(MAX_TAG, "ё"));
    const tagged = addTags(t, manager, tags, at + 5000);
    return tagged.ok ? tagged.ticket : t;
  }, (t, at) => ok(rate(t, client, 4, "ж".repeat(1000), at)).ticket);
  assert.ok(worst.reopened >= 5, `reopened ${worst.reopened} times`);
  assert.ok(worst.largest < 65_536, `largest record ${worst.largest} bytes`);
  // and a customer's ordinary history is far from the bound
  const usual = reopenUntilRefused((t, at) => {
    for (let k = 0; k < 5; k++) {
      t = ok(managerReplied(t, manager, at + k * 10)).ticket;
      t = ok(clientWrote(t, client.id, at + k * 10 + 5)).ticket;
    }
    return t;
  });
  assert.ok(usual.reopened >= 80, `reopened ${usual.reopened} times`);
  assert.ok(usual.largest < 65_536);
});
