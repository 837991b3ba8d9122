import assert from "node:assert/strict";
import { defaultSettings, type Settings } from "./settings.ts";
import { SettingsTimeline } from "./settings_timeline.ts";

const MIN = 60_000;
const H = 3_600_000;
const utc = (iso: string) => Date.parse(`${iso}:00Z`);

Deno.test("settings timeline: fields before their first logged change had their defaults", () => {
  const current: Settings = {
    ...defaultSettings(),
    timeZone: "UTC",
    always: true,
    reactionTargetMs: 30 * MIN,
  };
  const tl = SettingsTimeline.fromLog(current, [
    { at: utc("2026-01-05T12:00"), values: { always: true } },
    { at: utc("2026-01-06T00:00"), values: { reactionTargetMs: 30 * MIN } },
  ]);
  assert.equal(tl.epochs.length, 3);
  // Monday 5 January: the default hours (09–18) until noon, then around the clock.
  assert.equal(tl.workingMs(utc("2026-01-05T00:00"), utc("2026-01-06T00:00")), 3 * H + 12 * H);
  assert.equal(tl.targetsAt(utc("2026-01-05T23:00")).reactionTargetMs, 15 * MIN);
  assert.equal(tl.targetsAt(utc("2026-01-06T00:00")).reactionTargetMs, 30 * MIN);
  // 11:00 + 2 h of working time: one hour before noon, one after.
  assert.equal(tl.addWorkingMs(utc("2026-01-05T11:00"), 2 * H), utc("2026-01-05T13:00"));
});

Deno.test("settings timeline: without a log, today's settings throughout", () => {
  const tl = SettingsTimeline.fromLog(defaultSettings(), []);
  assert.equal(tl.epochs.length, 1);
  assert.equal(tl.targetsAt(0).closeTargetMs, defaultSettings().closeTargetMs);
});
