import assert from "node:assert/strict";
import { dueThresholds, scheduleOf } from "./sla.ts";
import { isWorkingTime } from "./working_time.ts";
import { defaultSettings } from "./settings.ts";
import { clientWrote, managerReplied, newTicket, putOnHold, releaseHold } from "./ticket.ts";

const s = {
  ...defaultSettings(),
  timeZone: "UTC",
  reactionTargetMs: 60 * 60_000,
  closeTargetMs: 4 * 3_600_000,
};
const mon9 = Date.UTC(2026, 0, 5, 9, 0);
const min = 60_000;

Deno.test("sla: reaction warns at 80% and breaches at 100% of working time; nights do not count", () => {
  const { ticket } = newTicket({ number: 1, topic: "t", clientId: 1, createdAt: mon9 });
  assert.deepEqual(dueThresholds(ticket, s, mon9 + 47 * min), []);
  assert.deepEqual(dueThresholds(ticket, s, mon9 + 48 * min), ["reaction_warn"]);
  // exactly the target is within it, as the report counts it; a millisecond more is not
  assert.deepEqual(dueThresholds(ticket, s, mon9 + 60 * min), ["reaction_warn"]);
  assert.deepEqual(dueThresholds(ticket, s, mon9 + 60 * min + 1), [
    "reaction_warn",
    "reaction_breach",
  ]);
  // created at 17:30: 30 working minutes that day, the rest next morning
  const late =
    newTicket({ number: 2, topic: "t", clientId: 1, createdAt: mon9 + 8.5 * 60 * min }).ticket;
  const tue = Date.UTC(2026, 0, 6, 9, 0);
  assert.deepEqual(dueThresholds(late, s, tue + 17 * min), []);
  assert.deepEqual(dueThresholds(late, s, tue + 18 * min), ["reaction_warn"]);
});

Deno.test("sla: after the first reply only the close target counts, paused while the customer's move", () => {
  const { ticket } = newTicket({ number: 1, topic: "t", clientId: 1, createdAt: mon9 });
  const r = managerReplied(ticket, { role: "manager", id: 2 }, mon9 + 5 * min);
  assert.ok(r.ok);
  // waiting for the customer: the clock stopped at 5 minutes
  assert.deepEqual(dueThresholds(r.ticket, s, mon9 + 240 * min), []);
  // the customer writes at 10:00: the clock runs again from 5 minutes
  const c = clientWrote(r.ticket, 1, mon9 + 60 * min);
  assert.ok(c.ok);
  assert.deepEqual(c.ticket.cycles[0]?.paused, [[mon9 + 5 * min, mon9 + 60 * min]]);
  assert.deepEqual(dueThresholds(c.ticket, s, mon9 + 246 * min), []);
  assert.deepEqual(dueThresholds(c.ticket, s, mon9 + 247 * min), ["close_warn"]);
  // 5 + 235 working minutes: exactly the 4 hours, not breached yet
  assert.deepEqual(dueThresholds(c.ticket, s, mon9 + 295 * min), ["close_warn"]);
  assert.deepEqual(dueThresholds(c.ticket, s, mon9 + 296 * min), ["close_warn", "close_breach"]);
});

Deno.test("sla: on hold before any reply the reaction clock pauses; resumed it runs on", () => {
  const { ticket } = newTicket({ number: 1, topic: "t", clientId: 1, createdAt: mon9 });
  const h = putOnHold(ticket, { role: "manager", id: 2 }, "waits for the invoice", mon9 + 10 * min);
  assert.ok(h.ok);
  assert.deepEqual(dueThresholds(h.ticket, s, mon9 + 120 * min), []);
  const back = releaseHold(h.ticket, { role: "manager", id: 2 }, mon9 + 120 * min);
  assert.ok(back.ok);
  // 10 minutes before the hold + 37 after: 47 < 48 (80% of an hour)
  assert.deepEqual(dueThresholds(back.ticket, s, mon9 + 157 * min), []);
  assert.deepEqual(dueThresholds(back.ticket, s, mon9 + 158 * min), ["reaction_warn"]);
});

Deno.test("sla: scheduleOf gives one schedule per settings object, and other settings their own", () => {
  const a = scheduleOf(s);
  assert.ok(a);
  // the same object: the working-time rules compiled for it are reused
  assert.equal(scheduleOf(s), a);
  const always = { ...s, always: true };
  const b = scheduleOf(always);
  assert.notEqual(b, a);
  assert.equal(b.always, true);
  // Sunday noon: off in the default week, on with `always`
  const sunNoon = Date.UTC(2026, 0, 4, 12, 0);
  assert.equal(isWorkingTime(a, sunNoon), false);
  assert.equal(isWorkingTime(b, sunNoon), true);
});
