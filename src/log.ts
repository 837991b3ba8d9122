/**
 * Structured, levelled logging with bot tokens redacted from everything written.
 *
 * @module
 */
import type { LogLevel } from "./config.ts";

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/** Matches a bot token anywhere, also inside `/bot<token>/` URLs. */
const TOKEN_RE = /\d{1,20}:[A-Za-z0-9_-]{20,}/g;

/** Replaces every bot token in a string by `<redacted>`. */
export function redact(text: string): string {
  return text.replace(TOKEN_RE, "<redacted>");
}

/** A logger: one JSON line per record. */
export interface Logger {
  debug(msg: string, data?: Record<string, unknown>): void;
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
}

function serialize(value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack };
  }
  return value;
}

/** Creates a logger writing records at `level` and above to `sink` (stderr by default). */
export function createLogger(
  level: LogLevel,
  sink: (line: string) => void = (line) => console.error(line),
): Logger {
  const write = (lvl: LogLevel, msg: string, data?: Record<string, unknown>) => {
    if (ORDER[lvl] < ORDER[level]) return;
    const record: Record<string, unknown> = { t: new Date().toISOString(), level: lvl, msg };
    for (const [k, v] of Object.entries(data ?? {})) record[k] = serialize(v);
    let line: string;
    try {
      line = JSON.stringify(record);
    } catch {
      line = JSON.stringify({ t: record.t, level: lvl, msg, note: "unserializable data" });
    }
    sink(redact(line));
  };
  return {
    debug: (m, d) => write("debug", m, d),
    info: (m, d) => write("info", m, d),
    warn: (m, d) => write("warn", m, d),
    error: (m, d) => write("error", m, d),
  };
}

/** A logger that drops everything; handy default in tests. */
export const silentLogger: Logger = createLogger("silent");
