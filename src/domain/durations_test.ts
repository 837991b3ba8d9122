import assert from "node:assert/strict";
import {
  formatDuration,
  formatHours,
  formatWeekHours,
  isValidTimeZone,
  MAX_DURATION_MS,
  parseDate,
  parseDuration,
  parseHours,
  parsePercent,
  parseTimeZone,
  parseWeekHours,
} from "./durations.ts";

const S = 1_000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

Deno.test("parseDuration: accepted forms", () => {
  const cases: Array<[string, number]> = [
    ["15m", 15 * M],
    ["2h", 2 * H],
    ["1d", D],
    ["1h30m", 90 * M],
    ["1h 30m", 90 * M],
    ["90m", 90 * M],
    ["45s", 45 * S],
    ["1d 2h 3m 4s", D + 2 * H + 3 * M + 4 * S],
    ["  2H ", 2 * H],
    ["2 hours", 2 * H],
    ["1w", 7 * D],
    ["30 мин", 30 * M],
    ["1ч 30м", 90 * M],
    ["0h30m", 30 * M],
    ["365d", 365 * D],
  ];
  for (const [input, ms] of cases) {
    assert.deepEqual(parseDuration(input), { ok: true, value: ms }, input);
  }
});

Deno.test("parseDuration: rejected forms", () => {
  const cases: Array<[string, string]> = [
    ["", "empty"],
    ["   ", "empty"],
    ["15", "missing_unit"],
    ["0m", "out_of_range"],
    ["0h0m", "out_of_range"],
    ["-15m", "out_of_range"],
    ["366d", "out_of_range"],
    ["365d1s", "out_of_range"],
    ["99999999999999999999d", "out_of_range"],
    ["15x", "bad_format"],
    ["abc", "bad_format"],
    ["30m1h", "bad_format"],
    ["1h1h", "bad_format"],
    ["1.5h", "bad_format"],
    ["h", "bad_format"],
    ["1h 30", "bad_format"],
    ["1h, 30m", "bad_format"],
  ];
  for (const [input, error] of cases) {
    assert.deepEqual(parseDuration(input), { ok: false, error }, input);
  }
});

Deno.test("formatDuration", () => {
  assert.equal(formatDuration(0), "0m");
  assert.equal(formatDuration(999), "0m");
  assert.equal(formatDuration(90 * M), "1h 30m");
  assert.equal(formatDuration(2 * H), "2h");
  assert.equal(formatDuration(45 * S), "45s");
  assert.equal(formatDuration(M + 30 * S), "1m 30s");
  assert.equal(formatDuration(D + 2 * H + 5 * M), "1d 2h 5m");
  assert.equal(formatDuration(10 * D), "10d");
  assert.equal(formatDuration(-(90 * M)), "-1h 30m");
  assert.equal(formatDuration(D + 23 * H + 59 * M, { maxUnits: 2 }), "1d 23h");
  assert.equal(formatDuration(D + 5 * M, { maxUnits: 2 }), "1d 5m");
  assert.equal(formatDuration(5 * M, { maxUnits: 0 }), "5m");
  assert.throws(() => formatDuration(NaN), RangeError);
});

Deno.test("formatDuration output parses back", () => {
  for (const ms of [S, 45 * S, 15 * M, 90 * M, D + 2 * H + 3 * M + 4 * S, MAX_DURATION_MS]) {
    assert.deepEqual(parseDuration(formatDuration(ms)), { ok: true, value: ms });
  }
});

Deno.test("parseHours: accepted forms", () => {
  const cases: Array<[string, Array<[number, number]>]> = [
    ["09:00-18:00", [[540, 1080]]],
    ["9-18", [[540, 1080]]],
    ["9:30 - 18:15", [[570, 1095]]],
    ["09:00–18:00", [[540, 1080]]],
    ["09:00-13:00,14:00-18:00", [[540, 780], [840, 1080]]],
    ["14:00-18:00, 09:00-13:00", [[540, 780], [840, 1080]]],
    ["09:00-13:00,13:00-18:00", [[540, 780], [780, 1080]]],
    ["24h", [[0, 1440]]],
    ["00:00-24:00", [[0, 1440]]],
    ["22:00-24:00", [[1320, 1440]]],
    ["off", []],
    ["OFF", []],
    ["-", []],
    ["выходной", []],
  ];
  for (const [input, value] of cases) {
    assert.deepEqual(parseHours(input), { ok: true, value }, input);
  }
});

Deno.test("parseHours: rejected forms", () => {
  const cases: Array<[string, string]> = [
    ["", "empty"],
    ["18:00-09:00", "end_before_start"],
    ["22:00-06:00", "end_before_start"],
    ["09:00-09:00", "end_before_start"],
    ["25:00-26:00", "bad_time"],
    ["09:60-18:00", "bad_time"],
    ["24:00-24:00", "bad_time"],
    ["09:00-24:30", "bad_time"],
    ["09:00-13:00,12:00-18:00", "overlap"],
    ["9am-6pm", "bad_format"],
    ["09:00", "bad_format"],
    ["09:00-18:00,", "bad_format"],
    ["09:00-13:00 14:00-18:00", "bad_format"],
  ];
  for (const [input, error] of cases) {
    assert.deepEqual(parseHours(input), { ok: false, error }, input);
  }
});

Deno.test("formatHours round-trips", () => {
  assert.equal(formatHours([[540, 780], [840, 1080]]), "09:00-13:00,14:00-18:00");
  assert.equal(formatHours([[0, 1440]]), "00:00-24:00");
  assert.equal(formatHours([]), "off");
  for (const text of ["09:00-13:00,14:00-18:00", "00:00-24:00", "off", "07:05-08:10"]) {
    const parsed = parseHours(text);
    assert.ok(parsed.ok);
    assert.equal(formatHours(parsed.value), text);
  }
});

const OFF = { 1: [], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [] };

Deno.test("parseWeekHours: accepted forms", () => {
  assert.deepEqual(parseWeekHours("mon-fri 09:00-18:00; sat 10:00-14:00"), {
    ok: true,
    value: {
      always: false,
      week: {
        ...OFF,
        1: [[540, 1080]],
        2: [[540, 1080]],
        3: [[540, 1080]],
        4: [[540, 1080]],
        5: [[540, 1080]],
        6: [[600, 840]],
      },
    },
  });
  assert.deepEqual(parseWeekHours("Mon, Wed: 9-13,14-18\nfri-mon 10-12"), {
    ok: true,
    value: {
      always: false,
      week: {
        ...OFF,
        1: [[600, 720]], // later group wins
        3: [[540, 780], [840, 1080]],
        5: [[600, 720]],
        6: [[600, 720]],
        7: [[600, 720]],
      },
    },
  });
  const daily = parseWeekHours("daily 24h; sun off");
  assert.ok(daily.ok);
  assert.deepEqual(daily.value.week[7], []);
  assert.deepEqual(daily.value.week[6], [[0, 1440]]);
  const russian = parseWeekHours("пн-пт 9-18; сб 10-14");
  assert.ok(russian.ok);
  assert.deepEqual(russian.value.week[5], [[540, 1080]]);
  assert.deepEqual(russian.value.week[6], [[600, 840]]);
  assert.deepEqual(russian.value.week[7], []);
  const weekdays = parseWeekHours("weekdays 9-18;");
  assert.ok(weekdays.ok);
  assert.deepEqual(weekdays.value.week[1], [[540, 1080]]);
  assert.deepEqual(weekdays.value.week[6], []);
});

Deno.test("parseWeekHours: 24/7", () => {
  for (const input of ["24/7", " 24x7 "]) {
    const result = parseWeekHours(input);
    assert.ok(result.ok, input);
    assert.equal(result.value.always, true);
    assert.deepEqual(result.value.week[3], [[0, 1440]]);
  }
});

Deno.test("parseWeekHours: rejected forms", () => {
  const cases: Array<[string, string]> = [
    ["", "empty"],
    ["09:00-18:00", "bad_format"],
    ["mon-fri", "bad_format"],
    ["mon-fru 9-18", "bad_day"],
    ["funday 9-18", "bad_day"],
    ["mon-wed-fri 9-18", "bad_day"],
    ["mon-fri 18-9", "end_before_start"],
    ["mon-fri 9-13,12-18", "overlap"],
    ["sat 25-26", "bad_time"],
    ["mon-sun off", "no_working_hours"],
  ];
  for (const [input, error] of cases) {
    assert.deepEqual(parseWeekHours(input), { ok: false, error }, input);
  }
});

Deno.test("formatWeekHours round-trips", () => {
  for (
    const text of [
      "mon-fri 09:00-18:00; sat 10:00-14:00",
      "mon 09:00-13:00,14:00-18:00; wed-sun 00:00-24:00",
    ]
  ) {
    const parsed = parseWeekHours(text);
    assert.ok(parsed.ok, text);
    assert.equal(formatWeekHours(parsed.value.week), text);
  }
  assert.equal(formatWeekHours(OFF), "off");
  assert.equal(formatWeekHours(OFF, true), "24/7");
});

Deno.test("parseDate", () => {
  assert.deepEqual(parseDate("2026-12-31"), { ok: true, value: "2026-12-31" });
  assert.deepEqual(parseDate(" 2028-02-29 "), { ok: true, value: "2028-02-29" });
  assert.deepEqual(parseDate("31.12.2026"), { ok: true, value: "2026-12-31" });
  assert.deepEqual(parseDate("1.5.2026"), { ok: true, value: "2026-05-01" });
  const bad: Array<[string, string]> = [
    ["", "empty"],
    ["2026-02-29", "bad_date"],
    ["2026-13-01", "bad_date"],
    ["2026-00-10", "bad_date"],
    ["2026-04-31", "bad_date"],
    ["0999-01-01", "bad_date"],
    ["2026-1-5", "bad_format"],
    ["2026/12/31", "bad_format"],
    ["tomorrow", "bad_format"],
    ["2026-12-31T00:00", "bad_format"],
  ];
  for (const [input, error] of bad) assert.deepEqual(parseDate(input), { ok: false, error }, input);
});

Deno.test("parsePercent", () => {
  const good: Array<[string, number]> = [
    ["80%", 0.8],
    ["80", 0.8],
    [" 80 % ", 0.8],
    ["1", 0.01],
    ["100%", 1],
    ["12.5%", 0.125],
    ["33,3", 0.333],
  ];
  for (const [input, value] of good) {
    assert.deepEqual(parsePercent(input), { ok: true, value }, input);
  }
  const bad: Array<[string, string]> = [
    ["", "empty"],
    ["0", "out_of_range"],
    ["0.5%", "out_of_range"],
    ["101%", "out_of_range"],
    ["-5%", "out_of_range"],
    ["eighty", "bad_format"],
    ["80%%", "bad_format"],
    ["0.8.1", "bad_format"],
  ];
  for (const [input, error] of bad) {
    assert.deepEqual(parsePercent(input), { ok: false, error }, input);
  }
});

Deno.test("isValidTimeZone", () => {
  assert.equal(isValidTimeZone("Europe/Moscow"), true);
  assert.equal(isValidTimeZone("europe/moscow"), true);
  assert.equal(isValidTimeZone("UTC"), true);
  assert.equal(isValidTimeZone("America/New_York"), true);
  assert.equal(isValidTimeZone("Mars/Base"), false);
  assert.equal(isValidTimeZone(""), false);
  assert.equal(isValidTimeZone("Moscow"), false);
});

Deno.test("parseTimeZone", () => {
  assert.deepEqual(parseTimeZone("Europe/Moscow"), { ok: true, value: "Europe/Moscow" });
  assert.deepEqual(parseTimeZone(" europe/berlin "), { ok: true, value: "Europe/Berlin" });
  assert.deepEqual(parseTimeZone("UTC+3"), { ok: true, value: "Etc/GMT-3" });
  assert.deepEqual(parseTimeZone("gmt-5"), { ok: true, value: "Etc/GMT+5" });
  assert.deepEqual(parseTimeZone("UTC+0"), { ok: true, value: "UTC" });
  assert.deepEqual(parseTimeZone(""), { ok: false, error: "empty" });
  assert.deepEqual(parseTimeZone("UTC+15"), { ok: false, error: "unknown_time_zone" });
  assert.deepEqual(parseTimeZone("Atlantis/Capital"), { ok: false, error: "unknown_time_zone" });
  const kolkata = parseTimeZone("Asia/Kolkata");
  assert.ok(kolkata.ok);
  assert.ok(isValidTimeZone(kolkata.value));
});

Deno.test("formatDuration speaks Russian with Intl's unit names", () => {
  assert.equal(formatDuration(2 * 60_000, { lang: "ru" }), "2 мин");
  assert.equal(formatDuration(26 * 3_600_000, { lang: "ru" }), "1 д. 2 ч");
  assert.equal(formatDuration(0, { lang: "ru" }), "0 мин");
  assert.equal(formatDuration(26 * 3_600_000, { lang: "en" }), "1d 2h", "English unchanged");
});
