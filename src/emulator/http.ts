/**
 * The emulator's HTTP front: the Bot API at /bot<token>/<method> (with the faults a test
 * injected), file downloads at /file/bot<token>/<path>, and the control surface at
 * /_emulator/<name>. The calls themselves are run by the emulator (`Emulator.call`).
 *
 * @module
 */
import { ApiError, E } from "./errors.ts";
import type { Faults } from "./faults.ts";
import { LIMITS, type RateLimiter } from "./rules.ts";
import type { BotRec, CallLogEntry, FileRec, World } from "./world.ts";

/** The answer of one Bot API call, as the HTTP body carries it. */
export type CallResult =
  | { ok: true; result: unknown; description?: string }
  | { ok: false; error_code: number; description: string; parameters?: unknown };

/** What the HTTP front needs of the emulator; the emulator is also the control surface. */
export interface HttpHost {
  readonly world: World;
  readonly faults: Faults;
  readonly limiter: RateLimiter;
  /** Runs one Bot API call for a bot. */
  call(bot: BotRec, method: string, params: Record<string, unknown>): Promise<CallResult>;
}

const JSON_HEADERS = { "content-type": "application/json" };

/** Answers one HTTP request: the Bot API, file downloads, the control surface. */
export async function handle(host: HttpHost, req: Request): Promise<Response> {
  const url = new URL(req.url);
  const path = url.pathname;
  if (path.startsWith("/bot")) return await handleApi(host, req, url, path);
  if (path.startsWith("/file/bot")) return await handleFile(host.world, path);
  if (path.startsWith("/_emulator/")) return await handleControl(host, req, path.slice(11));
  return json(404, { ok: false, error_code: 404, description: E.notFound });
}

async function handleApi(
  host: HttpHost,
  req: Request,
  url: URL,
  path: string,
): Promise<Response> {
  const slash = path.indexOf("/", 4);
  if (slash < 0) return json(404, { ok: false, error_code: 404, description: E.notFound });
  const bot = host.world.botsByToken.get(decodeURIComponent(path.slice(4, slash)));
  if (!bot) return json(401, { ok: false, error_code: 401, description: E.unauthorized });
  const method = path.slice(slash + 1);
  let params: Record<string, unknown>;
  try {
    params = await readParams(req, url);
  } catch {
    return json(400, {
      ok: false,
      error_code: 400,
      description: "Bad Request: can't parse request body",
    });
  }
  const chat = Number(params.chat_id);
  const fault = host.faults.take(bot.id, method, Number.isFinite(chat) ? chat : undefined);
  if (fault?.kind === "500") {
    record(host.world, bot, method, params, new ApiError(500, "Internal Server Error"));
    return json(500, { ok: false, error_code: 500, description: "Internal Server Error" });
  }
  if (fault?.kind === "drop") {
    record(host.world, bot, method, params, new ApiError(0, "connection dropped"));
    return dropped();
  }
  if (fault?.kind === "429") {
    const n = fault.retryAfter ?? 1;
    const err = new ApiError(429, `Too Many Requests: retry after ${n}`, { retry_after: n });
    host.limiter.tooMany.set(bot.id, (host.limiter.tooMany.get(bot.id) ?? 0) + 1);
    record(host.world, bot, method, params, err);
    return errorResponse(err);
  }
  // Why no req.signal: an abandoned long poll is ended by the next getUpdates or close().
  const r = await host.call(bot, method, params);
  if (fault?.kind === "drop-after") return dropped();
  return json(r.ok ? 200 : r.error_code, r);
}

/** Logs one call of a bot (what calls() returns), refused ones included. */
export function record(
  world: World,
  bot: BotRec,
  method: string,
  params: Record<string, unknown>,
  err?: ApiError,
  unknownFields?: string[],
): void {
  const e: CallLogEntry = { method, params, ok: !err, time: Date.now() };
  if (err) {
    e.errorCode = err.code;
    e.description = err.description;
  }
  if (unknownFields) e.unknownFields = unknownFields;
  world.logCall(bot, e);
}

async function handleFile(world: World, path: string): Promise<Response> {
  const rest = path.slice(9);
  const slash = rest.indexOf("/");
  const bot = slash > 0 ? world.botsByToken.get(rest.slice(0, slash)) : undefined;
  if (!bot) return json(401, { ok: false, error_code: 401, description: E.unauthorized });
  const f = world.filePaths.get(decodeURIComponent(rest.slice(slash + 1)));
  if (!f || !bot.fileIds.has(f.uid) || f.size > LIMITS.downloadMaxBytes) {
    return json(404, { ok: false, error_code: 404, description: E.notFound });
  }
  const bytes = f.bytes ?? (f.blob ? new Uint8Array(await f.blob.arrayBuffer()) : synthetic(f));
  return new Response(bytes as Uint8Array<ArrayBuffer>, {
    headers: { "content-type": f.mimeType ?? "application/octet-stream" },
  });
}

async function handleControl(host: HttpHost, req: Request, name: string): Promise<Response> {
  if (!CONTROL_METHODS.has(name)) {
    return json(404, { ok: false, description: `unknown control method ${name}` });
  }
  try {
    const text = req.method === "GET" ? "" : await req.text();
    const body = text ? JSON.parse(text) : [];
    const args = Array.isArray(body) ? body : [body];
    const fn = (host as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!;
    const result = await fn.apply(host, args);
    return json(200, { ok: true, result: result ?? true });
  } catch (e) {
    return json(400, { ok: false, description: e instanceof Error ? e.message : String(e) });
  }
}

/** Control-surface methods reachable over HTTP at /_emulator/<name> (JSON array of args). */
export const CONTROL_METHODS: ReadonlySet<string> = new Set([
  "createBot",
  "setPrivacy",
  "createUser",
  "createChannel",
  "createGroup",
  "linkDiscussion",
  "setMember",
  "userStartBot",
  "userSend",
  "userSendAlbum",
  "userComment",
  "userEdit",
  "userDelete",
  "userSendLiveLocation",
  "userMoveLiveLocation",
  "userStopLiveLocation",
  "userReplaceMedia",
  "userClearChat",
  "memberDelete",
  "userPressButton",
  "callbackAnswer",
  "userBlockBot",
  "userUnblockBot",
  "userJoinByLink",
  "userLeave",
  "userForward",
  "userReact",
  "unlinkDiscussion",
  "setProtectedContent",
  "setForum",
  "setChatUsername",
  "view",
  "threadView",
  "calls",
  "tooManyRequests",
  "setLimits",
  "setAutoForwardDelay",
  "failNext",
  "threadRootOf",
  "anomalies",
  "clearAnomalies",
]);

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: JSON_HEADERS });
}

function errorResponse(e: ApiError): Response {
  const body: Record<string, unknown> = {
    ok: false,
    error_code: e.code,
    description: e.description,
  };
  if (e.parameters) body.parameters = e.parameters;
  return json(e.code, body);
}

/** A response whose body fails: the client sees the connection break. */
function dropped(): Response {
  return new Response(
    new ReadableStream({
      start(c) {
        c.error(new Error("connection dropped by emulator fault"));
      },
    }),
    { headers: JSON_HEADERS },
  );
}

async function readParams(req: Request, url: URL): Promise<Record<string, unknown>> {
  const params: Record<string, unknown> = {};
  for (const [k, v] of url.searchParams) params[k] = v;
  if (req.method !== "POST" || !req.body) return params;
  // Why: an empty body is not parsed whatever its content type (node-telegram-bot-api sends
  // sendMediaGroup by file_id as multipart with Content-Length 0, the fields in the query). The
  // server skips the body when there is no transfer-encoding and content_length <= 0 (tdlib
  // tdnet/td/net/HttpReader.cpp do_read_next, State::ReadHeaders).
  if (req.headers.get("content-length") === "0" && !req.headers.has("transfer-encoding")) {
    return params;
  }
  const type = req.headers.get("content-type") ?? "";
  if (type.includes("application/json")) {
    const text = await req.text();
    if (text) Object.assign(params, JSON.parse(text));
  } else if (type.includes("multipart/form-data")) {
    const form = await req.formData();
    for (const [k, v] of form) params[k] = v;
  } else {
    const text = await req.text();
    for (const [k, v] of new URLSearchParams(text)) params[k] = v;
  }
  return params;
}

function synthetic(f: FileRec): Uint8Array {
  // Deterministic bytes so a download can be compared with its file_unique_id.
  const out = new Uint8Array(f.size);
  let x = 0;
  for (let i = 0; i < f.uid.length; i++) x = (x * 31 + f.uid.charCodeAt(i)) | 0;
  for (let i = 0; i < out.length; i++) {
    x = (x * 1103515245 + 12345) | 0;
    out[i] = x >>> 24;
  }
  return out;
}
