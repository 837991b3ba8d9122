/**
 * The only module that reads the environment. It validates every variable once with zod
 * and hands a typed, frozen config to the rest of the program.
 *
 * @module
 */
import { z } from "zod";
import { ConfigError } from "./errors.ts";

/** Telegram bot tokens look like `123456:AA…`; the value is never echoed back. */
const TOKEN_RE = /^\d{1,20}:[A-Za-z0-9_-]{20,}$/;

const token = z.string().regex(TOKEN_RE, "is not a bot token (expected 123456:ABC…)");
const optionalToken = z.preprocess(emptyToUndefined, token.optional());

function emptyToUndefined(v: unknown): unknown {
  return typeof v === "string" && v.trim() === "" ? undefined : v;
}

// optional: with none (and none added in the settings bot) the service prints a claim link
const idList = z.preprocess(
  (v) => (typeof v === "string" ? v.split(/[,\s]+/).filter((s) => s.length > 0) : v ?? []),
  z.array(z.string().regex(/^\d{1,20}$/, "must be a list of numeric Telegram user ids"))
    .transform((ids) => ids.map(Number)),
);

const schema = z.object({
  TELEGRAM_API_ROOT: z.preprocess(
    emptyToUndefined,
    z.url("must be a URL such as https://api.telegram.org").default("https://api.telegram.org"),
  ),
  // an empty line copied from .env.example counts as unset
  SETTINGS_BOT_TOKEN: z.preprocess(emptyToUndefined, token),
  ADMIN_IDS: idList,
  KV_PATH: z.preprocess(emptyToUndefined, z.string().optional()),
  // set by Deno Deploy itself: there an unset KV_PATH means the project's own KV
  DENO_DEPLOYMENT_ID: z.preprocess(emptyToUndefined, z.string().optional()),
  BOT_MODE: z.preprocess(emptyToUndefined, z.enum(["polling", "webhook"]).default("polling")),
  WEBHOOK_URL: z.preprocess(emptyToUndefined, z.url("must be an https URL").optional()),
  WEBHOOK_SECRET: z.preprocess(
    emptyToUndefined,
    z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, "must be 16–256 characters of A-Z a-z 0-9 _ -")
      .optional(),
  ),
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(65535).default(8000)),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(["debug", "info", "warn", "error", "silent"]).default("warn"),
  ),
  TELEGRAM_TIME_SCALE: z.preprocess(
    emptyToUndefined,
    z.coerce.number().positive("must be a positive number").max(1).default(1),
  ),
  DEFAULT_LANGUAGE: z.preprocess(
    emptyToUndefined,
    z.enum(["ru", "en"], { message: 'must be "ru" or "en"' }).default("en"),
  ),
  CLIENT_BOT_TOKEN: optionalToken,
  MANAGER_BOT_TOKEN: optionalToken,
  MANAGERS_CHANNEL: z.preprocess(
    emptyToUndefined,
    // an @username would be ignored by the bootstrap, which needs the id: refuse it plainly
    z.string().regex(
      /^-?\d{1,20}$/,
      "must be the channel's numeric id, e.g. -1001234567890 (an @username is not supported)",
    ).optional(),
  ),
}).superRefine((env, ctx) => {
  // a token's number is its bot's id: one bot can serve one role only (two pollers of one
  // token fight with 409s, and the owner's /start would be answered by the client bot)
  const botId = (t: string | undefined) => t?.split(":")[0];
  const roles: Array<[string, string | undefined]> = [
    ["SETTINGS_BOT_TOKEN", env.SETTINGS_BOT_TOKEN],
    ["CLIENT_BOT_TOKEN", env.CLIENT_BOT_TOKEN],
    ["MANAGER_BOT_TOKEN", env.MANAGER_BOT_TOKEN],
  ];
  for (let i = 0; i < roles.length; i++) {
    for (let j = i + 1; j < roles.length; j++) {
      const [a, ta] = roles[i]!;
      const [b, tb] = roles[j]!;
      if (ta && tb && botId(ta) === botId(tb)) {
        ctx.addIssue({
          code: "custom",
          path: [b],
          message: `is a token of the same bot as ${a}; each role needs its own bot`,
        });
      }
    }
  }
  if (env.BOT_MODE !== "webhook") return;
  if (!env.WEBHOOK_URL) {
    ctx.addIssue({
      code: "custom",
      path: ["WEBHOOK_URL"],
      message: "is required when BOT_MODE=webhook",
    });
  } else if (
    !env.WEBHOOK_URL.startsWith("https://") &&
    !/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/|$)/.test(env.WEBHOOK_URL)
  ) {
    ctx.addIssue({ code: "custom", path: ["WEBHOOK_URL"], message: "must be an https URL" });
  } else if (env.WEBHOOK_URL.startsWith("https://")) {
    // Telegram delivers webhooks only to these ports (setWebhook in the Bot API docs)
    const port = new URL(env.WEBHOOK_URL).port || "443";
    if (!["443", "80", "88", "8443"].includes(port)) {
      ctx.addIssue({
        code: "custom",
        path: ["WEBHOOK_URL"],
        message: "must use port 443, 80, 88 or 8443 (Telegram refuses other ports)",
      });
    }
  }
  if (!env.WEBHOOK_SECRET) {
    ctx.addIssue({
      code: "custom",
      path: ["WEBHOOK_SECRET"],
      message: "is required when BOT_MODE=webhook",
    });
  }
});

/** Log levels from most to least verbose. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

/** The validated configuration. */
export interface Config {
  apiRoot: string;
  settingsBotToken: string;
  adminIds: readonly number[];
  /** KV location; null = the platform's default KV (the project's KV on Deno Deploy). */
  kvPath: string | null;
  mode: "polling" | "webhook";
  webhook: { url: string; secret: string } | null;
  port: number;
  logLevel: LogLevel;
  /** DEFAULT_LANGUAGE: customers whose Telegram speaks neither ru nor en get it. */
  defaultLang: "ru" | "en";
  /** Real seconds per Telegram second of rate limits: 1 on Telegram, less on the emulator. */
  timeScale: number;
  /** Values that fill the settings only while those are empty in KV. */
  bootstrap: {
    clientBotToken?: string;
    managerBotToken?: string;
    managersChannel?: string;
  };
}

/** Where KV lives when nothing else is said (outside Deno Deploy). */
const DEFAULT_KV_PATH = "./data/helpdesk.sqlite";

/** Names of every variable the service reads, for the README and error messages. */
export const ENV_VARS = Object.keys(schema.shape) as ReadonlyArray<keyof typeof schema.shape>;

/**
 * Validates `env` (a plain map, usually `Deno.env.toObject()`) and returns the config.
 * Throws one {@linkcode ConfigError} naming every bad variable and why; values are never
 * quoted, so a token cannot leak through the message.
 */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const picked: Record<string, string | undefined> = {};
  for (const name of ENV_VARS) picked[name] = env[name];
  const result = schema.safeParse(picked);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "environment");
      const why = emptyToUndefined(picked[name]) === undefined && issue.code === "invalid_type"
        ? "is required"
        : issue.message;
      return `${name} ${why}`;
    });
    const missing = problems.some((p) => p.endsWith(" is required"));
    throw new ConfigError(
      `Invalid configuration: ${[...new Set(problems)].join("; ")}` +
        (missing ? " (set them in the environment or in .env; see .env.example)" : ""),
    );
  }
  const e = result.data;
  return Object.freeze({
    apiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ""),
    settingsBotToken: e.SETTINGS_BOT_TOKEN,
    adminIds: Object.freeze(e.ADMIN_IDS),
    kvPath: e.KV_PATH ?? (e.DENO_DEPLOYMENT_ID ? null : DEFAULT_KV_PATH),
    mode: e.BOT_MODE,
    webhook: e.BOT_MODE === "webhook" && e.WEBHOOK_URL && e.WEBHOOK_SECRET
      ? { url: e.WEBHOOK_URL.replace(/\/+$/, ""), secret: e.WEBHOOK_SECRET }
      : null,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    defaultLang: e.DEFAULT_LANGUAGE,
    timeScale: e.TELEGRAM_TIME_SCALE,
    bootstrap: {
      ...(e.CLIENT_BOT_TOKEN ? { clientBotToken: e.CLIENT_BOT_TOKEN } : {}),
      ...(e.MANAGER_BOT_TOKEN ? { managerBotToken: e.MANAGER_BOT_TOKEN } : {}),
      ...(e.MANAGERS_CHANNEL ? { managersChannel: e.MANAGERS_CHANNEL } : {}),
    },
  });
}

/** Reads and validates the process environment. */
export function loadConfig(): Config {
  return parseConfig(Deno.env.toObject());
}

/**
 * Only the KV location, for command-line tools (backup, restore, report) that need no bot
 * token: `KV_PATH` or the default.
 */
export function loadKvPath(env: Record<string, string | undefined> = Deno.env.toObject()): string {
  const v = env.KV_PATH?.trim();
  return v ? v : DEFAULT_KV_PATH;
}
