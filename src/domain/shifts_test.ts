import assert from "node:assert/strict";
import type { Manager } from "./records.ts";
import { defaultSettings, type Settings } from "./settings.ts";
import { assignable, atWork, onShift } from "./shifts.ts";
import type { WeekHours } from "./working_time.ts";

const day = (from: number, to: number): WeekHours => {
  const d: Array<[number, number]> = [[from * 60, to * 60]];
  return { 1: d, 2: d, 3: d, 4: d, 5: d, 6: [], 7: [] };
};
const settings: Settings = {
  ...defaultSettings(),
  timeZone: "UTC",
  always: false,
  week: day(9, 18),
  holidays: [],
};
const manager = (id: number, extra: Partial<Manager> = {}): Manager => ({
  id,
  name: `m${id}`,
  lang: "en",
  addedAt: 0,
  addedBy: 1,
  active: true,
  mute: [],
  ...extra,
});
/** Monday 2027-01-04 at `h` o'clock UTC. */
const monday = (h: number) => Date.parse("2027-01-04T00:00:00Z") + h * 3_600_000;

Deno.test("shifts: own hours, else the team's; away and inactive never at work", () => {
  const late = manager(2, { hours: { always: false, week: day(14, 18) } });
  assert.equal(onShift(manager(1), settings, monday(10)), true);
  assert.equal(onShift(late, settings, monday(10)), false);
  assert.equal(onShift(late, settings, monday(15)), true);
  assert.equal(atWork(manager(3, { away: true }), settings, monday(10)), false);
  assert.equal(atWork(manager(4, { active: false }), settings, monday(10)), false);
  // a week without a single hour is never at work (and never throws)
  const never = manager(5, { hours: { always: false, week: day(0, 0) } });
  assert.equal(onShift(never, settings, monday(10)), false);
});

Deno.test("shifts: nobody at work → those who start first; team hours alone keep everyone", () => {
  const early = manager(1, { hours: { always: false, week: day(7, 12) } });
  const late = manager(2, { hours: { always: false, week: day(14, 18) } });
  const team = manager(3);
  assert.deepEqual(assignable([early, late, team], settings, monday(10)).map((m) => m.id), [1, 3]);
  // 20:00: early starts at 07:00, the team at 09:00, late at 14:00
  assert.deepEqual(assignable([early, late, team], settings, monday(20)).map((m) => m.id), [1]);
  // only the team's hours: everyone starts together, nobody is left out at night
  assert.deepEqual(
    assignable([manager(4), manager(5)], settings, monday(20)).map((m) => m.id),
    [4, 5],
  );
  assert.deepEqual(assignable([manager(6, { away: true })], settings, monday(10)), []);
});
