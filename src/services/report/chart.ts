/**
 * The report's chart as a PNG, drawn in plain TypeScript: a raster of solid rectangles,
 * deflated with node:zlib. No native binaries and no fonts, so it runs on Deno Deploy too;
 * the figures themselves are in the caption and the workbook, the picture shows their shape.
 *
 * Top panel: tickets per day (blue) with the median first reply per day beside them
 * (orange, scaled to the longest), each after the same day of the previous period (pale).
 * Bottom panel: median first reply per manager (green within the reaction target, red over it;
 * the previous period pale before it) against the target (a dark line). The scales' maxima are
 * written in digits (a built-in 3×5 pixel font: numbers need no font file); the legend is the
 * photo's caption, in the reader's language.
 *
 * @module
 */
import { deflateSync } from "node:zlib";
import { crc32 } from "./deflate.ts";

/** What the chart shows. */
export interface ChartData {
  /** Per local day of the period, in order. */
  days: Array<{ tickets: number; medianFirstReplyMs: number | null }>;
  /** The previous period's days, when compared (day i beside day i). */
  previousDays?: Array<{ tickets: number; medianFirstReplyMs: number | null }>;
  /** Per manager, in the workbook's order. */
  managers: Array<
    { medianFirstReplyMs: number | null; previousMedianFirstReplyMs?: number | null }
  >;
  reactionTargetMs: number;
}

type Rgb = readonly [number, number, number];
const AXIS: Rgb = [60, 60, 60];
const BLUE: Rgb = [66, 133, 244];
const ORANGE: Rgb = [251, 140, 0];
const GREEN: Rgb = [67, 160, 71];
const RED: Rgb = [229, 57, 53];
const PALE_BLUE: Rgb = [179, 206, 251];
const PALE_ORANGE: Rgb = [253, 205, 140];
const GREY: Rgb = [189, 189, 189];

/** 3×5 pixel glyphs of the characters the scales need, one string of 15 bits per glyph. */
const GLYPHS: Record<string, string> = {
  "0": "111101101101111",
  "1": "010110010010111",
  "2": "111001111100111",
  "3": "111001111001111",
  "4": "101101111001001",
  "5": "111100111001111",
  "6": "111100111101111",
  "7": "111001010010010",
  "8": "111101111101111",
  "9": "111101111001111",
  ":": "000010000010000",
};

/** Width and height of the chart in pixels. */
export const CHART_SIZE = { width: 800, height: 480 } as const;

class Raster {
  readonly px: Uint8Array;
  constructor(readonly width: number, readonly height: number) {
    this.px = new Uint8Array(width * height * 3).fill(255);
  }
  rect(x: number, y: number, w: number, h: number, c: Rgb): void {
    const x0 = Math.max(0, Math.round(x)), y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x + w)),
      y1 = Math.min(this.height, Math.round(y + h));
    for (let yy = y0; yy < y1; yy++) {
      for (let xx = x0; xx < x1; xx++) this.px.set(c, (yy * this.width + xx) * 3);
    }
  }
}

/** Writes `text` (digits and ":") at x, y with pixels of `size`. */
function label(r: Raster, x: number, y: number, text: string, c: Rgb, size = 3): void {
  [...text].forEach((ch, i) => {
    const g = GLYPHS[ch];
    if (!g) return;
    for (let b = 0; b < 15; b++) {
      if (g[b] === "1") {
        r.rect(x + (i * 4 + (b % 3)) * size, y + Math.floor(b / 3) * size, size, size, c);
      }
    }
  });
}

/** "h:mm" of milliseconds. */
function hm(ms: number): string {
  const min = Math.round(ms / 60_000);
  return `${Math.floor(min / 60)}:${String(min % 60).padStart(2, "0")}`;
}

/** Bars of `values` (0..max) in the box, `slot` of each `width / n`, offset `at` in it. */
function bars(
  r: Raster,
  box: { x: number; y: number; w: number; h: number },
  values: readonly number[],
  max: number,
  color: (i: number) => Rgb,
  at = 0.15,
  share = 0.7,
): void {
  if (values.length === 0 || max <= 0) return;
  const slot = box.w / values.length;
  values.forEach((v, i) => {
    const h = Math.max(0, Math.min(1, v / max)) * box.h;
    r.rect(box.x + i * slot + slot * at, box.y + box.h - h, slot * share, h, color(i));
  });
}

/** Renders the chart. */
export function renderChart(d: ChartData): Uint8Array {
  const { width, height } = CHART_SIZE;
  const r = new Raster(width, height);
  const top = { x: 40, y: 20, w: width - 60, h: 260 };
  const bottom = { x: 40, y: 320, w: width - 60, h: 140 };
  const tickets = d.days.map((x) => x.tickets);
  const replies = d.days.map((x) => x.medianFirstReplyMs ?? 0);
  const before = d.previousDays?.slice(0, d.days.length);
  const pTickets = before?.map((x) => x.tickets) ?? [];
  const pReplies = before?.map((x) => x.medianFirstReplyMs ?? 0) ?? [];
  const maxTickets = Math.max(1, ...tickets, ...pTickets);
  const maxReply = Math.max(1, ...replies, ...pReplies);
  if (before) {
    bars(r, top, pTickets, maxTickets, () => PALE_BLUE, 0.05, 0.2);
    bars(r, top, tickets, maxTickets, () => BLUE, 0.25, 0.2);
    bars(r, top, pReplies, maxReply, () => PALE_ORANGE, 0.5, 0.2);
    bars(r, top, replies, maxReply, () => ORANGE, 0.7, 0.2);
  } else {
    bars(r, top, tickets, maxTickets, () => BLUE, 0.1, 0.4);
    bars(r, top, replies, maxReply, () => ORANGE, 0.5, 0.4);
  }
  label(r, top.x + 4, 2, String(maxTickets), BLUE);
  label(r, top.x + top.w - 60, 2, hm(maxReply), ORANGE);
  const mine = d.managers.map((m) => m.medianFirstReplyMs ?? 0);
  const theirs = d.managers.map((m) => m.previousMedianFirstReplyMs ?? 0);
  const compared = d.managers.some((m) => m.previousMedianFirstReplyMs !== undefined);
  const scale = Math.max(d.reactionTargetMs * 1.5, ...mine, ...theirs, 1);
  const color = (i: number) => mine[i]! > d.reactionTargetMs ? RED : GREEN;
  if (compared) {
    bars(r, bottom, theirs, scale, () => GREY, 0.1, 0.35);
    bars(r, bottom, mine, scale, color, 0.5, 0.35);
  } else {
    bars(r, bottom, mine, scale, color);
  }
  const targetY = bottom.y + bottom.h - (d.reactionTargetMs / scale) * bottom.h;
  r.rect(bottom.x, targetY - 1, bottom.w, 2, AXIS);
  label(r, bottom.x + bottom.w - 60, targetY - 20, hm(d.reactionTargetMs), AXIS);
  for (const b of [top, bottom]) {
    r.rect(b.x - 2, b.y, 2, b.h, AXIS);
    r.rect(b.x - 2, b.y + b.h, b.w + 2, 2, AXIS);
  }
  return encodePng(r);
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** An 8-bit RGB PNG of the raster (filter "none" on every row). */
function encodePng(r: Raster): Uint8Array {
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, r.width);
  v.setUint32(4, r.height);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const raw = new Uint8Array((r.width * 3 + 1) * r.height);
  for (let y = 0; y < r.height; y++) {
    raw.set(r.px.subarray(y * r.width * 3, (y + 1) * r.width * 3), y * (r.width * 3 + 1) + 1);
  }
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", new Uint8Array(deflateSync(raw))),
    chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, at), at += p.length;
  return out;
}
