/**
 * Checks made before the service starts, in words an admin can act on: a token Telegram
 * rejects is one sentence and an exit, an unreachable Telegram is a visible countdown, and a
 * successful start says where to go next. Tokens are never printed.
 *
 * @module
 */
import { openDatabase } from "./storage/open.ts";

/** Telegram rejected a bot token: the message says which variable and what to do. */
export class TokenRejectedError extends Error {
  override name = "TokenRejectedError";
}

/** What `getMe` tells about a bot. */
export interface BotIdentity {
  id: number;
  username: string;
}

/** Options of {@linkcode checkBotToken}. */
export interface CheckOptions {
  /** Name of the variable the token came from, for the messages (e.g. SETTINGS_BOT_TOKEN). */
  variable: string;
  /** Prints one status line (the countdown while Telegram is unreachable). */
  say: (line: string) => void;
  /** Seconds between attempts while Telegram is unreachable. */
  retrySec?: number;
  /** Ends the retries early (the service is asked to stop). */
  signal?: AbortSignal;
  /** Time allowed for one attempt, in milliseconds. */
  timeoutMs?: number;
}

/** Why a request to Telegram did not get an answer, in a few plain words. */
export function unreachableReason(e: unknown): string {
  let m = "";
  // fetch's own message is "fetch failed": the reason is down its chain of causes
  for (let c: unknown = e, depth = 0; c !== undefined && depth < 5; depth++) {
    m += c instanceof Error ? ` ${c.name} ${c.message}` : ` ${String(c)}`;
    c = c instanceof Error ? c.cause : undefined;
  }
  if (/refused/i.test(m)) return "connection refused";
  if (/dns|lookup|resolve|getaddrinfo|name or service not known/i.test(m)) {
    return "its name does not resolve";
  }
  if (/timed? ?out|TimeoutError|AbortError/i.test(m)) return "no answer in time";
  if (/certificate|tls|ssl/i.test(m)) return "its TLS certificate is not trusted";
  if (/reset|broken pipe|closed/i.test(m)) return "the connection was cut";
  return "no connection";
}

/**
 * Asks Telegram who the bot of `token` is. A 401 or 404 throws {@linkcode TokenRejectedError};
 * no answer (connection refused, DNS, time-out, a 5xx) prints a countdown line through `say`
 * and tries again until it succeeds or `signal` aborts.
 */
export async function checkBotToken(
  apiRoot: string,
  token: string,
  opts: CheckOptions,
): Promise<BotIdentity> {
  const retrySec = opts.retrySec ?? 5;
  for (;;) {
    opts.signal?.throwIfAborted();
    let problem: string;
    try {
      const res = await fetch(`${apiRoot}/bot${token}/getMe`, {
        signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
      });
      const body = await res.json().catch(() => null) as
        | { ok?: boolean; result?: { id?: number; username?: string } }
        | null;
      if (res.status === 401 || res.status === 404) {
        throw new TokenRejectedError(
          `Cannot start: Telegram rejects ${opts.variable} (wrong or revoked); ` +
            `get the token from @BotFather with /token`,
        );
      }
      if (res.ok && body?.ok && body.result?.username && typeof body.result.id === "number") {
        return { id: body.result.id, username: body.result.username };
      }
      problem = `it answered ${res.status}`;
    } catch (e) {
      if (e instanceof TokenRejectedError) throw e;
      problem = unreachableReason(e);
    }
    opts.say(`Telegram is unreachable at ${apiRoot} (${problem}); retrying in ${retrySec} s…`);
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, retrySec * 1000);
      opts.signal?.addEventListener("abort", () => {
        clearTimeout(t);
        resolve();
      }, { once: true });
    });
  }
}

/**
 * The line printed once the service runs: where the admin goes next. `clientBot` is the
 * client bot's username when the helpdesk is open to customers; `claimCode` is the one-time
 * code of a helpdesk that has no admin yet.
 */
export function startedMessage(
  settingsBot: string,
  clientBot: string | null,
  claimCode: string | null = null,
): string {
  if (claimCode) {
    return `Helpdesk started with no admin yet. Open https://t.me/${settingsBot}?start=claim_${claimCode} ` +
      `and press Start to become its first admin (the link works once, for 24 hours).`;
  }
  if (clientBot) {
    return `Helpdesk started and open: customers write to https://t.me/${clientBot}; ` +
      `settings at https://t.me/${settingsBot}.`;
  }
  return `Helpdesk started. Open https://t.me/${settingsBot} and press Start to set it up.`;
}

/** The database a command-line tool (report, backup) needs is missing or unreadable. */
export class MissingKvError extends Error {
  override name = "MissingKvError";
}

/**
 * Opens an existing local KV for a command-line tool. A path that does not exist yet (a fresh
 * clone before the first start) or cannot be read throws {@linkcode MissingKvError} with one
 * plain sentence, instead of creating an empty database or a stack trace.
 */
export async function openExistingKv(path: string): Promise<Deno.Kv> {
  const local = path !== ":memory:" && !/^https?:\/\//.test(path);
  const cannot = `Cannot read the database at ${path}`;
  if (local) {
    const st = await Deno.stat(path).catch((e) => e);
    if (st instanceof Deno.errors.NotFound) {
      throw new MissingKvError(
        `${cannot}: it does not exist yet (start the service first, or give --kv path)`,
      );
    }
    if (st instanceof Error) throw new MissingKvError(`${cannot}: ${firstLine(st)}`);
    if (st.isDirectory) throw new MissingKvError(`${cannot}: it is a folder, not a file`);
  }
  try {
    return await openDatabase(path);
  } catch (e) {
    const m = firstLine(e);
    throw new MissingKvError(
      /not a database|file is encrypted|malformed/i.test(m)
        ? `${cannot}: the file is not a Deno KV database (was another file given?)`
        : `${cannot}: ${m}`,
    );
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0]!;
}
