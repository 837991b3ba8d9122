/**
 * Shared fixtures of the conformance suite (issue 22 item 2): a world with one bot and one user
 * whose private chat is open, sample files for every media kind, and the checks both client
 * libraries (telegraf, node-telegram-bot-api) run against the emulator's own view of the chat.
 */
import assert from "node:assert/strict";
import { type Emulator, startEmulator, type ViewMessage } from "../../src/emulator/mod.ts";
import { drain } from "../emulator/helpers.ts";

/** A media kind with the send method, its parameter and a small sample file. */
export interface MediaCase {
  kind: "photo" | "video" | "audio" | "document" | "voice" | "animation" | "video_note" | "sticker";
  method: string;
  filename: string;
  contentType: string;
  bytes: Uint8Array;
}

/** Deterministic sample bytes (content does not matter to the emulator, the size does). */
export function sample(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + seed * 13) & 0xff;
  return b;
}

/** Every media kind of the Bot API's send* methods. */
export const MEDIA: MediaCase[] = [
  ["photo", "sendPhoto", "pic.jpg", "image/jpeg"],
  ["video", "sendVideo", "clip.mp4", "video/mp4"],
  ["audio", "sendAudio", "song.mp3", "audio/mpeg"],
  ["document", "sendDocument", "report.pdf", "application/pdf"],
  ["voice", "sendVoice", "note.ogg", "audio/ogg"],
  ["animation", "sendAnimation", "loop.gif", "image/gif"],
  ["video_note", "sendVideoNote", "round.mp4", "video/mp4"],
  ["sticker", "sendSticker", "sticker.webp", "image/webp"],
].map(([kind, method, filename, contentType], i) => ({
  kind: kind as MediaCase["kind"],
  method: method!,
  filename: filename!,
  contentType: contentType!,
  bytes: sample(1000 + i * 111, i),
}));

/** Starts an emulator with a bot and a user; `open` opens the private chat first. */
export async function world(open = true) {
  // the libraries' webhooks listen on random local ports; Telegram would want 443/80/88/8443
  const emu = await startEmulator({ limits: false, timeScale: 0.01, webhookPorts: "any" });
  const user = emu.createUser({ firstName: "Ursula", username: "ursula" });
  const bot = emu.createBot({ username: "conf_bot", firstName: "Conf" });
  if (open) {
    emu.userStartBot(user.id, bot.id);
    await drain(emu, bot.token);
  }
  return { emu, user, bot };
}

/** The message the user sees in the chat with the bot, by id; fails when it is missing. */
export function seen(emu: Emulator, userId: number, botId: number, id: number): ViewMessage {
  const m = emu.view(userId, botId).find((v) => v.id === id);
  if (!m) throw new assert.AssertionError({ message: `message ${id} is not in the chat view` });
  return m;
}

/** The file object of a sent message for its kind (the largest size for photos). */
export function fileOf(msg: Record<string, unknown>, kind: MediaCase["kind"]) {
  const v = msg[kind];
  assert.ok(v, `the answer has no ${kind}`);
  const f = (Array.isArray(v) ? v[v.length - 1] : v) as {
    file_id: string;
    file_unique_id: string;
    file_size?: number;
  };
  assert.equal(typeof f.file_id, "string");
  return f;
}

/**
 * Every call the bot made was accepted (409 of a stopped long poll aside) and had no field the
 * reference does not know, except `ignore` (extra fields a library sends; Telegram ignores them).
 */
export function assertAllAccepted(emu: Emulator, botId: number, ignore: string[] = []): void {
  const bad = emu.calls(botId).filter((c) => !c.ok && c.errorCode !== 409);
  assert.deepEqual(bad.map((c) => `${c.method}: ${c.errorCode} ${c.description}`), []);
  const unknown = emu.calls(botId)
    .map((c) => ({ ...c, unknownFields: c.unknownFields?.filter((f) => !ignore.includes(f)) }))
    .filter((c) => c.unknownFields?.length);
  assert.deepEqual(unknown.map((c) => `${c.method}: ${c.unknownFields}`), []);
}

/** Parse-mode cases: the text sent, the text Telegram stores and the entities it finds. */
export const PARSE_CASES: {
  mode?: "MarkdownV2" | "HTML" | "Markdown";
  text: string;
  plain: string;
  entities: { type: string; offset: number; length: number; url?: string }[];
}[] = [
  {
    mode: "MarkdownV2",
    text: "*bold* _it_ [site](https://example.com/a) \\. `code`",
    plain: "bold it site . code",
    entities: [
      { type: "bold", offset: 0, length: 4 },
      { type: "italic", offset: 5, length: 2 },
      { type: "text_link", offset: 8, length: 4, url: "https://example.com/a" },
      { type: "code", offset: 15, length: 4 },
    ],
  },
  {
    mode: "HTML",
    text: '<b>bold</b> <i>it</i> <a href="https://example.com/a">site</a> &lt;3',
    plain: "bold it site <3",
    entities: [
      { type: "bold", offset: 0, length: 4 },
      { type: "italic", offset: 5, length: 2 },
      { type: "text_link", offset: 8, length: 4, url: "https://example.com/a" },
    ],
  },
  {
    mode: "Markdown",
    text: "*bold* _it_ [site](https://example.com/a) `code`",
    plain: "bold it site code",
    entities: [
      { type: "bold", offset: 0, length: 4 },
      { type: "italic", offset: 5, length: 2 },
      { type: "text_link", offset: 8, length: 4, url: "https://example.com/a" },
      { type: "code", offset: 13, length: 4 },
    ],
  },
  {
    text: "bold plain /help #tag",
    plain: "bold plain /help #tag",
    entities: [
      { type: "bold", offset: 0, length: 4 },
      { type: "bot_command", offset: 11, length: 5 },
      { type: "hashtag", offset: 17, length: 4 },
    ],
  },
];

/** Entities without the fields a comparison ignores, sorted by offset. */
export function plainEntities(es: unknown): { type: string; offset: number; length: number }[] {
  assert.ok(Array.isArray(es), "no entities");
  return (es as { type: string; offset: number; length: number; url?: string }[])
    .map((e) => ({ ...e }))
    .sort((a, b) => a.offset - b.offset || a.type.localeCompare(b.type));
}

/** Downloads a file by URL and returns its bytes. */
export async function download(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  assert.equal(res.status, 200, `download ${url}`);
  return new Uint8Array(await res.arrayBuffer());
}
