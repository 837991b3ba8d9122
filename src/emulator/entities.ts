/**
 * Formatting: HTML, MarkdownV2 and legacy Markdown parsing into (text, entities) with
 * Telegram's error wording, plus the automatic entities Telegram adds (bot_command, url,
 * mention, hashtag). Offsets and lengths are UTF-16 code units, as in the Bot API.
 *
 * It stays one file over 400 lines: the three markup parsers share the offset helpers and
 * Telegram's error wording, and the automatic entities and the cleaning run on what they produce.
 */
import { badRequest } from "./errors.ts";

/** A MessageEntity as the Bot API returns it. */
export interface Entity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
  custom_emoji_id?: string;
  user?: unknown;
}

/** Result of parsing formatted text. */
export interface Parsed {
  text: string;
  entities: Entity[];
}

const enc = new TextEncoder();
function byteOffset(src: string, i: number): number {
  return enc.encode(src.slice(0, i)).length;
}
function parseError(msg: string): Error {
  return badRequest(`can't parse entities: ${msg}`);
}

const HTML_TAGS: Record<string, string> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  "tg-spoiler": "spoiler",
  span: "spoiler",
  a: "text_link",
  code: "code",
  pre: "pre",
  blockquote: "blockquote",
  "tg-emoji": "custom_emoji",
};
const NAMED_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

/** Parses Telegram HTML. */
export function parseHtml(src: string): Parsed {
  let out = "";
  const entities: Entity[] = [];
  const stack: { tag: string; entity: Entity; at: number }[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === "&") {
      const semi = src.indexOf(";", i);
      if (semi > i && semi - i <= 10) {
        const name = src.slice(i + 1, semi);
        let rep: string | undefined = NAMED_ENTITIES[name];
        if (!rep && /^#\d+$/.test(name)) rep = String.fromCodePoint(Number(name.slice(1)));
        if (!rep && /^#x[0-9a-fA-F]+$/.test(name)) {
          rep = String.fromCodePoint(parseInt(name.slice(2), 16));
        }
        if (rep) {
          out += rep;
          i = semi + 1;
          continue;
        }
      }
      out += ch;
      i++;
      continue;
    }
    if (ch !== "<") {
      out += ch;
      i++;
      continue;
    }
    const close = src.indexOf(">", i);
    if (close < 0) throw parseError(`Unclosed start tag at byte offset ${byteOffset(src, i)}`);
    const raw = src.slice(i + 1, close);
    if (raw.startsWith("/")) {
      const name = raw.slice(1).trim().toLowerCase();
      const top = stack.pop();
      if (!top) throw parseError(`Unexpected end tag at byte offset ${byteOffset(src, i)}`);
      if (top.tag !== name) {
        throw parseError(
          `Unmatched end tag at byte offset ${
            byteOffset(src, i)
          }, expected "</${top.tag}>", found "</${name}>"`,
        );
      }
      top.entity.length = out.length - top.entity.offset;
      if (top.entity.length > 0) entities.push(top.entity);
      i = close + 1;
      continue;
    }
    const m = /^([a-zA-Z][a-zA-Z0-9-]*)\s*(.*)$/s.exec(raw);
    const name = m?.[1]?.toLowerCase() ?? "";
    const type = HTML_TAGS[name];
    if (!type) {
      throw parseError(`Unsupported start tag "${name}" at byte offset ${byteOffset(src, i)}`);
    }
    const attrs = parseAttrs(m?.[2] ?? "");
    const entity: Entity = { type, offset: out.length, length: 0 };
    if (name === "span" && attrs.class !== "tg-spoiler") {
      throw parseError(
        `Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(src, i)}`,
      );
    }
    if (name === "a") {
      if (!attrs.href) entity.type = "__drop";
      else entity.url = attrs.href;
    }
    if (name === "blockquote" && "expandable" in attrs) entity.type = "expandable_blockquote";
    if (name === "tg-emoji") entity.custom_emoji_id = attrs["emoji-id"] ?? "";
    if (name === "code") {
      const parent = stack[stack.length - 1];
      const lang = attrs.class?.startsWith("language-") ? attrs.class.slice(9) : undefined;
      if (parent?.tag === "pre" && lang) {
        // <pre><code class="language-x"> is one pre entity with a language.
        parent.entity.language = lang;
        entity.type = "__drop";
      }
    }
    stack.push({ tag: name, entity, at: i });
    i = close + 1;
  }
  const open = stack.pop();
  if (open) throw parseError(`Can't find end tag corresponding to start tag "${open.tag}"`);
  return {
    text: out,
    entities: entities.filter((e) => e.type !== "__drop").sort((a, b) => a.offset - b.offset),
  };
}

function parseAttrs(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+)))?/g;
  for (const m of s.matchAll(re)) {
    out[m[1]!.toLowerCase()] = decodeHtml(m[2] ?? m[3] ?? m[4] ?? "");
  }
  return out;
}
function decodeHtml(s: string): string {
  return s.replace(/&(lt|gt|amp|quot);/g, (_, n: string) => NAMED_ENTITIES[n]!);
}

const MDV2_RESERVED = new Set("_*[]()~`>#+-=|{}.!".split(""));
const MDV2_NAMES: Record<string, string> = {
  bold: "Bold",
  italic: "Italic",
  underline: "Underline",
  strikethrough: "Strikethrough",
  spoiler: "Spoiler",
  code: "Code",
  pre: "Pre",
  text_link: "TextUrl",
};

/** Parses MarkdownV2. */
export function parseMarkdownV2(src: string): Parsed {
  let out = "";
  const entities: Entity[] = [];
  const stack: { type: string; offset: number; at: number }[] = [];
  let quote: Entity | undefined;
  let i = 0;
  const top = () => stack[stack.length - 1];
  const openOrClose = (type: string, width: number) => {
    if (top()?.type === type) {
      const s = stack.pop()!;
      if (out.length > s.offset) {
        entities.push({ type, offset: s.offset, length: out.length - s.offset });
      }
    } else stack.push({ type, offset: out.length, at: i });
    i += width;
  };
  while (i < src.length) {
    const ch = src[i]!;
    const atLineStart = i === 0 || src[i - 1] === "\n";
    if (atLineStart) {
      if (quote && ch !== ">") {
        quote.length = out.length - quote.offset - 1; // exclude the newline
        if (quote.length > 0) entities.push(quote);
        quote = undefined;
      }
      if (ch === ">" && stack.length === 0) {
        quote ??= { type: "blockquote", offset: out.length, length: 0 };
        i++;
        continue;
      }
    }
    if (ch === "\\") {
      const next = src[i + 1];
      if (next !== undefined && next.charCodeAt(0) < 127) {
        out += next;
        i += 2;
        continue;
      }
      throw parseError(
        `Character '\\' is reserved and must be escaped with the preceding '\\'`,
      );
    }
    if (ch === "`") {
      const isPre = src.startsWith("```", i);
      const fence = isPre ? "```" : "`";
      let j = i + fence.length;
      let language: string | undefined;
      if (isPre) {
        const nl = src.indexOf("\n", j);
        const firstLine = nl >= 0 ? src.slice(j, nl) : "";
        if (nl >= 0 && /^[A-Za-z0-9_+#.-]+$/.test(firstLine)) {
          language = firstLine;
          j = nl + 1;
        } else if (nl === j) j = nl + 1;
      }
      const start = out.length;
      let closed = false;
      while (j < src.length) {
        if (src[j] === "\\" && j + 1 < src.length) {
          out += src[j + 1];
          j += 2;
          continue;
        }
        if (src.startsWith(fence, j)) {
          closed = true;
          break;
        }
        out += src[j];
        j++;
      }
      if (!closed) {
        throw parseError(
          `Can't find end of ${isPre ? "Pre" : "Code"} entity at byte offset ${byteOffset(src, i)}`,
        );
      }
      if (out.length > start) {
        const e: Entity = {
          type: isPre ? "pre" : "code",
          offset: start,
          length: out.length - start,
        };
        if (language) e.language = language;
        entities.push(e);
      }
      i = j + fence.length;
      continue;
    }
    if (ch === "*") {
      openOrClose("bold", 1);
      continue;
    }
    if (ch === "~") {
      openOrClose("strikethrough", 1);
      continue;
    }
    if (ch === "|" && src[i + 1] === "|") {
      openOrClose("spoiler", 2);
      continue;
    }
    if (ch === "_") {
      if (top()?.type === "italic") openOrClose("italic", 1);
      else if (src[i + 1] === "_") openOrClose("underline", 2);
      else openOrClose("italic", 1);
      continue;
    }
    if (ch === "[") {
      stack.push({ type: "text_link", offset: out.length, at: i });
      i++;
      continue;
    }
    if (ch === "]" && top()?.type === "text_link") {
      const s = stack.pop()!;
      if (src[i + 1] !== "(") {
        throw parseError(
          `Can't find end of TextUrl entity at byte offset ${byteOffset(src, s.at)}`,
        );
      }
      let j = i + 2;
      let url = "";
      while (j < src.length && src[j] !== ")") {
        if (src[j] === "\\" && j + 1 < src.length) j++;
        url += src[j];
        j++;
      }
      if (j >= src.length) {
        throw parseError(
          `Can't find end of TextUrl entity at byte offset ${byteOffset(src, s.at)}`,
        );
      }
      if (out.length > s.offset) {
        entities.push({ type: "text_link", offset: s.offset, length: out.length - s.offset, url });
      }
      i = j + 1;
      continue;
    }
    if (MDV2_RESERVED.has(ch)) {
      throw parseError(
        `Character '${ch}' is reserved and must be escaped with the preceding '\\'`,
      );
    }
    out += ch;
    i++;
  }
  if (quote) {
    quote.length = out.length - quote.offset;
    if (quote.length > 0) entities.push(quote);
  }
  const open = stack[0];
  if (open) {
    throw parseError(
      `Can't find end of ${MDV2_NAMES[open.type] ?? open.type} entity at byte offset ${
        byteOffset(src, open.at)
      }`,
    );
  }
  return { text: out, entities: entities.sort((a, b) => a.offset - b.offset) };
}

/** Parses legacy Markdown (no nesting, only _ * ` ``` and [text](url)). */
export function parseMarkdown(src: string): Parsed {
  let out = "";
  const entities: Entity[] = [];
  let i = 0;
  const marks: Record<string, string> = { "*": "bold", "_": "italic", "`": "code" };
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === "\\" && i + 1 < src.length && "_*`[".includes(src[i + 1]!)) {
      out += src[i + 1];
      i += 2;
      continue;
    }
    const fence = src.startsWith("```", i) ? "```" : marks[ch] ? ch : ch === "[" ? "[" : "";
    if (!fence) {
      out += ch;
      i++;
      continue;
    }
    const endMark = fence === "[" ? "]" : fence;
    const end = src.indexOf(endMark, i + fence.length);
    if (end < 0) {
      throw parseError(
        `Can't find end of the entity starting at byte offset ${byteOffset(src, i)}`,
      );
    }
    const inner = src.slice(i + fence.length, end);
    const start = out.length;
    out += inner;
    if (fence === "[") {
      const m = /^\(([^)]*)\)/.exec(src.slice(end + 1));
      if (!m) {
        throw parseError(
          `Can't find end of the entity starting at byte offset ${byteOffset(src, i)}`,
        );
      }
      if (inner) {
        entities.push({ type: "text_link", offset: start, length: inner.length, url: m[1]! });
      }
      i = end + 1 + m[0].length;
      continue;
    }
    if (inner) {
      entities.push({
        type: fence === "```" ? "pre" : marks[fence]!,
        offset: start,
        length: inner.length,
      });
    }
    i = end + fence.length;
  }
  return { text: out, entities };
}

/** Parses text according to parse_mode (undefined: plain text with given entities). */
export function parseFormatted(
  text: string,
  parseMode: unknown,
  entities: unknown,
): Parsed {
  if (parseMode === undefined || parseMode === null || parseMode === "") {
    return { text, entities: Array.isArray(entities) ? (entities as Entity[]) : [] };
  }
  const mode = String(parseMode).toLowerCase();
  // the Bot API server takes "none" as plain text; other unknown modes are refused with the
  // lower-case wording real clients report ("Bad Request: unsupported parse_mode")
  if (mode === "none") {
    return { text, entities: Array.isArray(entities) ? (entities as Entity[]) : [] };
  }
  if (mode === "html") return parseHtml(text);
  if (mode === "markdownv2") return parseMarkdownV2(text);
  if (mode === "markdown") return parseMarkdown(text);
  throw badRequest(`unsupported parse_mode`);
}

const AUTO_RE =
  /(^|[\s(])(\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?|@[A-Za-z0-9_]{5,32}|#[\p{L}\p{N}_]+|https?:\/\/[^\s]+)/gu;

/** Adds the entities Telegram detects by itself, skipping ranges already covered. */
export function withAutoEntities(text: string, entities: Entity[]): Entity[] {
  if (!/[\/@#:]/.test(text)) return entities;
  const auto: Entity[] = [];
  for (const m of text.matchAll(AUTO_RE)) {
    const token = m[2]!;
    const offset = m.index! + m[1]!.length;
    const type = token[0] === "/"
      ? "bot_command"
      : token[0] === "@"
      ? "mention"
      : token[0] === "#"
      ? "hashtag"
      : "url";
    const overlaps = entities.some((e) =>
      offset < e.offset + e.length && e.offset < offset + token.length
    );
    if (!overlaps) auto.push({ type, offset, length: token.length });
  }
  if (auto.length === 0) return entities;
  return [...entities, ...auto].sort((a, b) => a.offset - b.offset);
}

/** Code points tdlib drops from every input string (line/paragraph separators, bidi controls). */
function dropped(cp: number): boolean {
  return cp === 0x0d || (cp >= 0x2028 && cp <= 0x202e);
}

/**
 * Cleans and trims formatted text as tdlib's `fix_formatted_text` does before a message is
 * sent: control characters other than `\n` become spaces, `\r` and U+2028–U+202E are removed,
 * trailing spaces and newlines are cut (entities clipped to the text, emptied ones dropped) and
 * leading ones too, up to the first entity; entity offsets follow. The text may come out empty:
 * the caller decides whether that is allowed (captions) or "text must be non-empty".
 */
export function cleanFormatted(p: Parsed): Parsed {
  // map[i] = offset in the cleaned text of UTF-16 unit i of the input (map[len] = new length)
  const map: number[] = new Array(p.text.length + 1);
  let out = "";
  for (let i = 0; i < p.text.length; i++) {
    map[i] = out.length;
    const cp = p.text.charCodeAt(i);
    if (dropped(cp)) continue;
    out += cp < 0x20 && cp !== 0x0a ? " " : p.text[i];
  }
  map[p.text.length] = out.length;
  let entities = p.entities.map((e) => {
    const start = map[Math.min(e.offset, p.text.length)]!;
    const end = map[Math.min(e.offset + e.length, p.text.length)]!;
    return { ...e, offset: start, length: end - start };
  }).filter((e) => e.length > 0);

  let end = out.length;
  while (end > 0 && (out[end - 1] === " " || out[end - 1] === "\n")) end--;
  out = out.slice(0, end);
  entities = entities.filter((e) => e.offset < end).map((e) =>
    e.offset + e.length > end ? { ...e, length: end - e.offset } : e
  );

  const firstEntity = entities.reduce((m, e) => Math.min(m, e.offset), out.length);
  let start = 0;
  while (start < firstEntity && (out[start] === " " || out[start] === "\n")) start++;
  if (start > 0) {
    out = out.slice(start);
    entities = entities.map((e) => ({ ...e, offset: e.offset - start }));
  }
  return { text: out, entities };
}
