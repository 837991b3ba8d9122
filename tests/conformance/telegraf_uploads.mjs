/**
 * Node side of the telegraf upload conformance test (see telegraf_test.ts for why it runs
 * under Node). Reads {apiRoot, token, chatId, media: [{kind, method, filename, base64}]} on
 * stdin, uploads every file with telegraf 4.16 (Buffer, stream, then the returned file_id) and
 * sends albums with attach:// uploads; prints the answers as JSON on stdout. Assertions are in
 * the Deno test. TELEGRAF_DIR is the folder whose node_modules holds telegraf.
 */
import { Buffer } from "node:buffer";
import { createRequire } from "node:module";
import process from "node:process";
import { Readable } from "node:stream";

const { Telegraf } = createRequire(`${process.env.TELEGRAF_DIR}/`)("telegraf");

let input = "";
for await (const chunk of process.stdin) input += chunk;
const { apiRoot, token, chatId, media } = JSON.parse(input);
const tg = new Telegraf(token, { telegram: { apiRoot } }).telegram;
const out = { uploads: [], albums: {}, files: [] };
const captionOf = (kind) =>
  kind === "sticker" || kind === "video_note" ? {} : { caption: `${kind}!` };
const fileOf = (m, kind) => Array.isArray(m[kind]) ? m[kind][m[kind].length - 1] : m[kind];

for (const c of media) {
  const bytes = Buffer.from(c.base64, "base64");
  const extra = captionOf(c.kind);
  const byBuffer = await tg[c.method](chatId, { source: bytes, filename: c.filename }, extra);
  const byStream = await tg[c.method](
    chatId,
    { source: Readable.from([bytes]), filename: c.filename },
    extra,
  );
  const byId = await tg[c.method](chatId, fileOf(byBuffer, c.kind).file_id, extra);
  const file = await tg.getFile(fileOf(byBuffer, c.kind).file_id);
  const link = await tg.getFileLink(file);
  out.uploads.push({ kind: c.kind, byBuffer, byStream, byId, file, link: link.href });
}

const [photo, video, , doc] = media.map((m) => ({ ...m, bytes: Buffer.from(m.base64, "base64") }));
out.albums.mixed = await tg.sendMediaGroup(chatId, [
  { type: "photo", media: { source: photo.bytes, filename: photo.filename } },
  {
    type: "video",
    media: { source: Readable.from([video.bytes]), filename: video.filename },
    caption: "<b>two</b>",
    parse_mode: "HTML",
  },
]);
out.albums.documents = await tg.sendMediaGroup(chatId, [
  { type: "document", media: { source: doc.bytes, filename: "doc0.pdf" } },
  { type: "document", media: { source: doc.bytes, filename: "doc1.pdf" } },
]);
const photoId = fileOf(out.albums.mixed[0], "photo").file_id;
out.albums.byId = await tg.sendMediaGroup(chatId, [
  { type: "photo", media: photoId },
  { type: "photo", media: photoId, caption: "same" },
]);
process.stdout.write(JSON.stringify(out));
