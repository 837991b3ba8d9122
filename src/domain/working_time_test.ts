// It stays one file over 400 lines: one suite of the working-time math, its cases grouped by
// function over the same schedules and zones.
import assert from "node:assert/strict";
import {
  addWorkingMs,
  ALWAYS,
  canonicalTimeZone,
  defaultSchedule,
  isWorkingTime,
  nextWorkingStart,
  type WeekHours,
  workingMs,
  type WorkingSchedule,
} from "./working_time.ts";

const MIN = 60_000;
const H = 3_600_000;
const D = 86_400_000;

/** Instant from an ISO string with an explicit offset, so expectations read as local time. */
const at = (iso: string): number => {
  const ms = Date.parse(iso);
  assert.ok(Number.isFinite(ms), `bad test instant ${iso}`);
  return ms;
};

const NINE_TO_SIX: WeekHours = {
  1: [[540, 1080]],
  2: [[540, 1080]],
  3: [[540, 1080]],
  4: [[540, 1080]],
  5: [[540, 1080]],
  6: [],
  7: [],
};

const schedule = (
  timeZone: string,
  week: Partial<WeekHours> = NINE_TO_SIX,
  holidays: string[] = [],
): WorkingSchedule => ({
  timeZone,
  always: false,
  week: { 1: [], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [], ...week },
  holidays,
});

const moscow = defaultSchedule;
const berlin = schedule("Europe/Berlin");
const newYork = schedule("America/New_York");
const lunch = schedule("Europe/Moscow", {
  1: [[540, 780], [840, 1080]],
  2: [[540, 780], [840, 1080]],
  3: [[540, 780], [840, 1080]],
  4: [[540, 780], [840, 1080]],
  5: [[540, 780], [840, 1080]],
});
const allWeek = (timeZone: string, holidays: string[] = []): WorkingSchedule =>
  schedule(timeZone, {
    1: [[0, 1440]],
    2: [[0, 1440]],
    3: [[0, 1440]],
    4: [[0, 1440]],
    5: [[0, 1440]],
    6: [[0, 1440]],
    7: [[0, 1440]],
  }, holidays);

/** Small deterministic PRNG so property checks are reproducible. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// 2026-01-12 is a Monday; Moscow is UTC+3 all year.

Deno.test("workingMs: same day inside hours", () => {
  assert.equal(
    workingMs(moscow, at("2026-01-14T10:00:00+03:00"), at("2026-01-14T12:30:00+03:00")),
    2.5 * H,
  );
});

Deno.test("workingMs: starting before and ending after hours", () => {
  const wed = (t: string) => at(`2026-01-14T${t}:00+03:00`);
  assert.equal(workingMs(moscow, wed("07:00"), wed("20:00")), 9 * H);
  assert.equal(workingMs(moscow, wed("07:00"), wed("10:00")), 1 * H);
  assert.equal(workingMs(moscow, wed("17:00"), wed("20:00")), 1 * H);
  assert.equal(workingMs(moscow, wed("18:00"), wed("23:59")), 0);
  assert.equal(workingMs(moscow, wed("00:00"), wed("09:00")), 0);
});

Deno.test("workingMs: across a night", () => {
  assert.equal(
    workingMs(moscow, at("2026-01-13T17:00:00+03:00"), at("2026-01-14T10:00:00+03:00")),
    2 * H,
  );
  assert.equal(
    workingMs(moscow, at("2026-01-13T19:00:00+03:00"), at("2026-01-14T08:00:00+03:00")),
    0,
  );
});

Deno.test("workingMs: across a weekend (Fri 17:00 -> Mon 10:00 = 2h)", () => {
  assert.equal(
    workingMs(moscow, at("2026-01-16T17:00:00+03:00"), at("2026-01-19T10:00:00+03:00")),
    2 * H,
  );
  assert.equal(
    workingMs(moscow, at("2026-01-17T09:00:00+03:00"), at("2026-01-18T18:00:00+03:00")),
    0,
  );
});

Deno.test("workingMs: a holiday is off for the whole local day", () => {
  const withHoliday = { ...moscow, holidays: ["2026-01-19"] };
  // Fri 17:00 -> Tue 10:00 with Monday off: 1h on Friday + 1h on Tuesday.
  assert.equal(
    workingMs(withHoliday, at("2026-01-16T17:00:00+03:00"), at("2026-01-20T10:00:00+03:00")),
    2 * H,
  );
  assert.equal(
    workingMs(withHoliday, at("2026-01-19T00:00:00+03:00"), at("2026-01-20T00:00:00+03:00")),
    0,
  );
  assert.equal(isWorkingTime(withHoliday, at("2026-01-19T12:00:00+03:00")), false);
});

Deno.test("workingMs: a lunch break (two intervals a day)", () => {
  const wed = (t: string) => at(`2026-01-14T${t}:00+03:00`);
  assert.equal(workingMs(lunch, wed("00:00"), at("2026-01-15T00:00:00+03:00")), 8 * H);
  assert.equal(workingMs(lunch, wed("12:00"), wed("15:00")), 2 * H);
  assert.equal(workingMs(lunch, wed("13:10"), wed("13:50")), 0);
  assert.equal(isWorkingTime(lunch, wed("13:30")), false);
  assert.equal(isWorkingTime(lunch, wed("14:00")), true);
});

Deno.test("workingMs: an overnight shift split over two days", () => {
  const nights = schedule("Europe/Moscow", { 1: [[1320, 1440]], 2: [[0, 360]] });
  assert.equal(
    workingMs(nights, at("2026-01-12T23:00:00+03:00"), at("2026-01-13T02:00:00+03:00")),
    3 * H,
  );
  assert.equal(
    addWorkingMs(nights, at("2026-01-12T23:00:00+03:00"), 2 * H),
    at("2026-01-13T01:00:00+03:00"),
  );
});

Deno.test("workingMs: zero and negative spans are 0", () => {
  const t = at("2026-01-14T10:00:00+03:00");
  assert.equal(workingMs(moscow, t, t), 0);
  assert.equal(workingMs(moscow, t + H, t), 0);
  assert.equal(workingMs(ALWAYS("UTC"), t + H, t), 0);
});

Deno.test("workingMs: spans of many weeks", () => {
  // 10 weeks x 5 days x 9h.
  assert.equal(
    workingMs(moscow, at("2026-01-05T00:00:00+03:00"), at("2026-03-16T00:00:00+03:00")),
    450 * H,
  );
  // Same in Berlin across the March DST switch: 9-18 is local, so still 9h a day.
  assert.equal(
    workingMs(berlin, at("2026-03-02T00:00:00+01:00"), at("2026-05-11T00:00:00+02:00")),
    450 * H,
  );
  // 2026 has 261 weekdays; Berlin crosses both DST switches.
  assert.equal(
    workingMs(berlin, at("2026-01-01T00:00:00+01:00"), at("2027-01-01T00:00:00+01:00")),
    261 * 9 * H,
  );
});

Deno.test("workingMs: Europe/Berlin spring forward 2026-03-29", () => {
  // Fri 17:00 CET -> Mon 10:00 CEST.
  assert.equal(
    workingMs(berlin, at("2026-03-27T17:00:00+01:00"), at("2026-03-30T10:00:00+02:00")),
    2 * H,
  );
  const sunday = (week: WeekHours[7]) => schedule("Europe/Berlin", { 7: week });
  const sunStart = at("2026-03-29T00:00:00+01:00");
  const monStart = at("2026-03-30T00:00:00+02:00");
  // A 00:00-24:00 day is 23 real hours.
  assert.equal(workingMs(sunday([[0, 1440]]), sunStart, monStart), 23 * H);
  // 09:00-18:00 is after the gap, so still 9h.
  assert.equal(workingMs(sunday([[540, 1080]]), sunStart, monStart), 9 * H);
  // 01:00 CET -> 04:00 CEST is 2 real hours.
  assert.equal(workingMs(sunday([[60, 240]]), sunStart, monStart), 2 * H);
  // 02:15-02:45 does not exist that day.
  assert.equal(workingMs(sunday([[135, 165]]), sunStart, monStart), 0);
  // 02:30 does not exist and moves forward to 03:00 CEST: 30 minutes until 03:30.
  assert.equal(workingMs(sunday([[150, 210]]), sunStart, monStart), 30 * MIN);
  assert.equal(
    nextWorkingStart(sunday([[150, 210]]), sunStart),
    at("2026-03-29T03:00:00+02:00"),
  );
  // The previous Sunday is an ordinary 24h day.
  assert.equal(
    workingMs(
      sunday([[0, 1440]]),
      at("2026-03-22T00:00:00+01:00"),
      at("2026-03-23T00:00:00+01:00"),
    ),
    24 * H,
  );
});

Deno.test("workingMs: Europe/Berlin fall back 2026-10-25", () => {
  const sunday = (week: WeekHours[7]) => schedule("Europe/Berlin", { 7: week });
  const sunStart = at("2026-10-25T00:00:00+02:00");
  const monStart = at("2026-10-26T00:00:00+01:00");
  assert.equal(workingMs(sunday([[0, 1440]]), sunStart, monStart), 25 * H);
  assert.equal(workingMs(sunday([[540, 1080]]), sunStart, monStart), 9 * H);
  // 02:00 is ambiguous and takes the earlier (CEST) reading; 03:00 exists once (CET): 2h.
  assert.equal(workingMs(sunday([[120, 180]]), sunStart, monStart), 2 * H);
  // 01:00 CEST -> first 02:30 (CEST) = 1.5h.
  assert.equal(workingMs(sunday([[60, 150]]), sunStart, monStart), 1.5 * H);
  assert.equal(
    nextWorkingStart(sunday([[150, 180]]), sunStart),
    at("2026-10-25T02:30:00+02:00"),
  );
  // Fri 17:00 CEST -> Mon 10:00 CET.
  assert.equal(
    workingMs(berlin, at("2026-10-23T17:00:00+02:00"), at("2026-10-26T10:00:00+01:00")),
    2 * H,
  );
});

Deno.test("workingMs: America/New_York DST 2026-03-08 and 2026-11-01", () => {
  assert.equal(
    workingMs(newYork, at("2026-03-06T17:00:00-05:00"), at("2026-03-09T10:00:00-04:00")),
    2 * H,
  );
  assert.equal(
    workingMs(newYork, at("2026-10-30T17:00:00-04:00"), at("2026-11-02T10:00:00-05:00")),
    2 * H,
  );
  assert.equal(isWorkingTime(newYork, at("2026-03-09T09:00:00-04:00")), true);
  assert.equal(isWorkingTime(newYork, at("2026-03-09T08:59:59-04:00")), false);
  // 24/7: real elapsed time, not wall-clock difference (noon to noon is 23h / 25h).
  const always = ALWAYS("America/New_York");
  assert.equal(
    workingMs(always, at("2026-03-07T12:00:00-05:00"), at("2026-03-08T12:00:00-04:00")),
    23 * H,
  );
  assert.equal(
    workingMs(always, at("2026-10-31T12:00:00-04:00"), at("2026-11-01T12:00:00-05:00")),
    25 * H,
  );
  // Same through the per-day path (a holiday defeats the 24/7 shortcut).
  const days = allWeek("America/New_York", ["2030-01-01"]);
  assert.equal(
    workingMs(days, at("2026-03-07T12:00:00-05:00"), at("2026-03-08T12:00:00-04:00")),
    23 * H,
  );
  assert.equal(
    workingMs(days, at("2026-10-31T12:00:00-04:00"), at("2026-11-01T12:00:00-05:00")),
    25 * H,
  );
});

Deno.test("workingMs: America/Santiago switches at midnight", () => {
  const day = (weekday: 6 | 7, hours: WeekHours[7]) =>
    schedule("America/Santiago", { [weekday]: hours });
  // 2026-09-06 00:00 -04 jumps to 01:00 -03: Sunday starts at 01:00 and is 23h long.
  const sepSun = at("2026-09-06T01:00:00-03:00"), sepMon = at("2026-09-07T00:00:00-03:00");
  assert.equal(workingMs(day(7, [[0, 1440]]), sepSun - D, sepMon), 23 * H);
  assert.equal(workingMs(day(7, [[540, 1080]]), sepSun, sepMon), 9 * H);
  assert.equal(workingMs(day(7, [[0, 60]]), sepSun - D, sepMon), 0);
  assert.equal(nextWorkingStart(day(7, [[0, 1440]]), sepSun - H), sepSun);
  // 2026-04-05 00:00 -03 is never shown: at 23:59:59 -03 clocks go back to 23:00 -04. Saturday
  // therefore has its last hour twice (25h) and Sunday starts at 00:00 -04 (24h).
  const satStart = at("2026-04-04T00:00:00-03:00"), monStart = at("2026-04-06T00:00:00-04:00");
  assert.equal(workingMs(day(6, [[0, 1440]]), satStart, monStart), 25 * H);
  assert.equal(workingMs(day(7, [[0, 1440]]), satStart, monStart), 24 * H);
  assert.equal(isWorkingTime(day(6, [[0, 1440]]), at("2026-04-04T23:30:00-04:00")), true);
  assert.equal(isWorkingTime(day(7, [[0, 1440]]), at("2026-04-04T23:30:00-04:00")), false);
  assert.equal(
    nextWorkingStart(day(7, [[0, 1440]]), satStart),
    at("2026-04-05T00:00:00-04:00"),
  );
});

Deno.test("workingMs: a 24/7 schedule counts real elapsed ms across DST", () => {
  const always = ALWAYS("Europe/Berlin");
  assert.equal(
    workingMs(always, at("2026-03-29T00:00:00+01:00"), at("2026-03-30T00:00:00+02:00")),
    23 * H,
  );
  assert.equal(
    workingMs(always, at("2026-10-25T00:00:00+02:00"), at("2026-10-26T00:00:00+01:00")),
    25 * H,
  );
  assert.equal(isWorkingTime(always, at("2026-03-29T02:30:00+02:00")), true);
  assert.equal(nextWorkingStart(always, 12345), 12345);
  assert.equal(addWorkingMs(always, 1_000, 5 * H), 1_000 + 5 * H);
});

Deno.test("workingMs: a 24/7 schedule still honours holidays", () => {
  const always = { ...ALWAYS("Europe/Berlin"), holidays: ["2026-12-25"] };
  assert.equal(
    workingMs(always, at("2026-12-24T12:00:00+01:00"), at("2026-12-26T12:00:00+01:00")),
    24 * H,
  );
  assert.equal(isWorkingTime(always, at("2026-12-25T12:00:00+01:00")), false);
  assert.equal(
    nextWorkingStart(always, at("2026-12-25T12:00:00+01:00")),
    at("2026-12-26T00:00:00+01:00"),
  );
});

Deno.test("workingMs: whole days equal real elapsed time in zones with odd transitions", () => {
  const rand = prng(7);
  const cases: Array<[string, string, string]> = [
    // Samoa skipped 2011-12-30 entirely (UTC-10 -> UTC+14).
    ["Pacific/Apia", "2011-12-20T00:00:00Z", "2012-01-10T00:00:00Z"],
    // Half-hour DST.
    ["Australia/Lord_Howe", "2026-03-30T00:00:00Z", "2026-04-10T00:00:00Z"],
    // DST switches at midnight.
    ["America/Santiago", "2026-04-01T00:00:00Z", "2026-04-10T00:00:00Z"],
    ["America/Santiago", "2026-09-01T00:00:00Z", "2026-09-12T00:00:00Z"],
    ["Europe/Berlin", "2026-03-20T00:00:00Z", "2026-11-10T00:00:00Z"],
  ];
  for (const [tz, fromIso, toIso] of cases) {
    const s = allWeek(tz, ["2100-01-01"]);
    const lo = at(fromIso), hi = at(toIso);
    for (let i = 0; i < 50; i++) {
      const a = lo + Math.floor(rand() * (hi - lo));
      const b = a + Math.floor(rand() * (hi - a));
      assert.equal(workingMs(s, a, b), b - a, `${tz} ${a} ${b}`);
    }
  }
  // The skipped Samoan day has no instants, and its neighbours touch.
  const apia = schedule("Pacific/Apia", { 5: [[0, 1440]] }); // Fridays only; 2011-12-30 was one
  assert.equal(
    workingMs(apia, at("2011-12-28T00:00:00Z"), at("2012-01-02T00:00:00Z")),
    0,
  );
});

Deno.test("workingMs agrees with minute-by-minute isWorkingTime across DST", () => {
  const s = schedule("Europe/Berlin", {
    5: [[540, 780], [840, 1080]],
    6: [[0, 60], [1380, 1440]],
    7: [[60, 240], [1260, 1440]],
    1: [[0, 120], [540, 1080]],
  }, ["2026-10-26"]);
  const rand = prng(42);
  for (const [fromIso, toIso] of [["2026-03-27", "2026-03-31"], ["2026-10-23", "2026-10-28"]]) {
    const lo = at(`${fromIso}T00:00:00Z`), hi = at(`${toIso}T00:00:00Z`);
    let minutes = 0;
    for (let t = lo; t < hi; t += MIN) if (isWorkingTime(s, t)) minutes++;
    assert.equal(workingMs(s, lo, hi), minutes * MIN);
    for (let i = 0; i < 20; i++) {
      const a = lo + Math.floor(rand() * ((hi - lo) / MIN)) * MIN;
      const b = a + Math.floor(rand() * ((hi - a) / MIN)) * MIN;
      let count = 0;
      for (let t = a; t < b; t += MIN) if (isWorkingTime(s, t)) count++;
      assert.equal(workingMs(s, a, b), count * MIN, `${a} ${b}`);
    }
  }
});

Deno.test("workingMs is additive over adjacent spans", () => {
  const rand = prng(3);
  const s = { ...lunch, timeZone: "Europe/Berlin", holidays: ["2026-04-03", "2026-12-25"] };
  const lo = at("2026-01-01T00:00:00Z"), span = 365 * D;
  for (let i = 0; i < 200; i++) {
    const [a, b, c] = [rand(), rand(), rand()].map((x) => lo + Math.floor(x * span)).sort((x, y) =>
      x - y
    ) as [number, number, number];
    assert.equal(workingMs(s, a, c), workingMs(s, a, b) + workingMs(s, b, c));
  }
});

Deno.test("isWorkingTime: interval starts are in, ends are out", () => {
  const wed = (t: string) => at(`2026-01-14T${t}+03:00`);
  assert.equal(isWorkingTime(moscow, wed("09:00:00")), true);
  assert.equal(isWorkingTime(moscow, wed("17:59:59.999")), true);
  assert.equal(isWorkingTime(moscow, wed("18:00:00")), false);
  assert.equal(isWorkingTime(moscow, wed("08:59:59.999")), false);
  assert.equal(isWorkingTime(moscow, at("2026-01-17T12:00:00+03:00")), false);
});

Deno.test("nextWorkingStart", () => {
  const wedNoon = at("2026-01-14T12:00:00+03:00");
  assert.equal(nextWorkingStart(moscow, wedNoon), wedNoon);
  assert.equal(
    nextWorkingStart(moscow, at("2026-01-16T19:00:00+03:00")),
    at("2026-01-19T09:00:00+03:00"),
  );
  assert.equal(
    nextWorkingStart(moscow, at("2026-01-16T18:00:00+03:00")),
    at("2026-01-19T09:00:00+03:00"),
  );
  assert.equal(
    nextWorkingStart(
      { ...moscow, holidays: ["2026-01-19", "2026-01-20"] },
      at("2026-01-17T10:00:00+03:00"),
    ),
    at("2026-01-21T09:00:00+03:00"),
  );
  assert.equal(
    nextWorkingStart(lunch, at("2026-01-14T13:30:00+03:00")),
    at("2026-01-14T14:00:00+03:00"),
  );
  assert.equal(
    nextWorkingStart(newYork, at("2026-03-07T10:00:00-05:00")),
    at("2026-03-09T09:00:00-04:00"),
  );
});

Deno.test("addWorkingMs: hand-computed deadlines", () => {
  const fri17 = at("2026-01-16T17:00:00+03:00");
  assert.equal(addWorkingMs(moscow, fri17, 2 * H), at("2026-01-19T10:00:00+03:00"));
  // Landing exactly on the end of a shift gives that end, not the next start.
  assert.equal(addWorkingMs(moscow, fri17, 1 * H), at("2026-01-16T18:00:00+03:00"));
  assert.equal(
    addWorkingMs(moscow, at("2026-01-17T12:00:00+03:00"), 1),
    at("2026-01-19T09:00:00.001+03:00"),
  );
  assert.equal(addWorkingMs(moscow, fri17, 0), fri17);
  const outside = at("2026-01-17T12:00:00+03:00");
  assert.equal(addWorkingMs(moscow, outside, 0), outside);
  // Lunch break is skipped.
  assert.equal(
    addWorkingMs(lunch, at("2026-01-14T12:30:00+03:00"), 1 * H),
    at("2026-01-14T14:30:00+03:00"),
  );
  assert.equal(
    addWorkingMs(lunch, at("2026-01-14T12:00:00+03:00"), 1 * H),
    at("2026-01-14T13:00:00+03:00"),
  );
  // 10 weeks of 45h from Monday 00:00 ends on the 10th Friday at 18:00, across DST.
  assert.equal(
    addWorkingMs(berlin, at("2026-03-02T00:00:00+01:00"), 450 * H),
    at("2026-05-08T18:00:00+02:00"),
  );
  assert.equal(
    addWorkingMs(newYork, at("2026-03-06T17:00:00-05:00"), 2 * H),
    at("2026-03-09T10:00:00-04:00"),
  );
});

Deno.test("addWorkingMs is the inverse of workingMs", () => {
  const rand = prng(99);
  const schedules = [
    moscow,
    { ...lunch, timeZone: "Europe/Berlin", holidays: ["2026-03-30", "2026-10-26", "2027-01-01"] },
    schedule("America/New_York", { 7: [[60, 240]], 6: [[1380, 1440]], 1: [[0, 180], [600, 660]] }),
  ];
  const lo = at("2026-01-01T00:00:00Z");
  for (const s of schedules) {
    for (let i = 0; i < 300; i++) {
      const from = lo + Math.floor(rand() * 700 * D);
      const duration = 1 + Math.floor(rand() * (i % 3 === 0 ? 2000 * H : 20 * H));
      const end = addWorkingMs(s, from, duration);
      assert.equal(workingMs(s, from, end), duration, `${s.timeZone} ${from} ${duration}`);
      // Minimal: the last millisecond before the deadline is working time.
      assert.equal(workingMs(s, from, end - 1), duration - 1);
      assert.equal(isWorkingTime(s, end - 1), true);
    }
  }
});

Deno.test("long spans are fast", () => {
  const s = { ...lunch, timeZone: "Europe/Berlin", holidays: ["2027-01-01"] };
  const from = at("2026-01-01T00:00:00Z"), to = at("2029-01-01T00:00:00Z");
  workingMs(s, from, to); // warm up the JIT and the zone's offset cache
  const t0 = performance.now();
  const total = workingMs(s, from, to);
  const elapsed = performance.now() - t0;
  assert.ok(total > 0);
  // Generous bound so CI noise cannot fail it; a per-day walk takes well under 5 ms.
  assert.ok(elapsed < 50, `3-year workingMs took ${elapsed.toFixed(2)} ms`);
  const t1 = performance.now();
  assert.equal(workingMs(s, from, addWorkingMs(s, from, 5000 * H)), 5000 * H);
  assert.ok(performance.now() - t1 < 100);
});

Deno.test("results do not depend on earlier queries in other years", () => {
  const s = { ...berlin, holidays: ["2026-12-25"] };
  const a = at("2026-03-01T00:00:00Z"), b = at("2026-11-01T00:00:00Z");
  const first = workingMs(s, a, b);
  assert.equal(workingMs(s, at("1995-03-01T00:00:00Z"), at("1995-11-01T00:00:00Z")), 175 * 9 * H);
  assert.equal(workingMs(s, at("2090-03-01T00:00:00Z"), at("2090-04-01T00:00:00Z")), 23 * 9 * H);
  assert.equal(workingMs(s, a, b), first);
  assert.equal(first, 175 * 9 * H);
});

Deno.test("time zones: case-insensitive names, unknown names throw RangeError", () => {
  assert.equal(canonicalTimeZone("europe/berlin"), "Europe/Berlin");
  assert.equal(
    workingMs(
      schedule("europe/berlin"),
      at("2026-03-27T17:00:00+01:00"),
      at("2026-03-30T10:00:00+02:00"),
    ),
    2 * H,
  );
  assert.throws(() => workingMs(schedule("Mars/Olympus_Mons"), 0, 1), {
    name: "RangeError",
    message: /Unknown time zone "Mars\/Olympus_Mons"/,
  });
  assert.throws(() => isWorkingTime(schedule(""), 0), RangeError);
  assert.throws(() => canonicalTimeZone(undefined as unknown as string), RangeError);
});

Deno.test("invalid schedules and arguments throw RangeError", () => {
  const t = at("2026-01-14T12:00:00+03:00");
  assert.throws(() => workingMs(schedule("UTC", { 1: [[600, 540]] }), t, t + H), RangeError);
  assert.throws(() => workingMs(schedule("UTC", { 1: [[0, 1441]] }), t, t + H), RangeError);
  assert.throws(() => workingMs(schedule("UTC", { 1: [[-1, 60]] }), t, t + H), RangeError);
  assert.throws(() => workingMs({ ...moscow, holidays: ["2026-02-30"] }, t, t + H), {
    name: "RangeError",
    message: /2026-02-30/,
  });
  assert.throws(() => workingMs(moscow, NaN, t), RangeError);
  assert.throws(() => addWorkingMs(moscow, t, -1), RangeError);
  assert.throws(() => addWorkingMs(moscow, t, Infinity), RangeError);
  assert.throws(() => addWorkingMs(moscow, t, 1e16), RangeError);
  const never = schedule("UTC", {});
  assert.equal(workingMs(never, t, t + 30 * D), 0);
  assert.equal(isWorkingTime(never, t), false);
  assert.throws(() => addWorkingMs(never, t, H), /no working hours/);
  assert.throws(() => nextWorkingStart(never, t), /no working hours/);
});

Deno.test("overlapping intervals are merged; defaultSchedule is frozen", () => {
  const s = schedule("UTC", { 3: [[600, 720], [540, 660], [720, 780]] });
  assert.equal(
    workingMs(s, at("2026-01-14T00:00:00Z"), at("2026-01-15T00:00:00Z")),
    4 * H,
  );
  assert.ok(Object.isFrozen(defaultSchedule.week[1]));
  assert.equal(defaultSchedule.timeZone, "Europe/Moscow");
});
