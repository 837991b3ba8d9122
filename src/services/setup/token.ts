/**
 * Checking and saving the client and manager bots' tokens. A token is checked with getMe,
 * stored only in the settings record, and never echoed, logged or put in an error.
 *
 * @module
 */
import { Api, GrammyError } from "grammy";
import type { Settings } from "../../domain/settings.ts";
import type { BotKind } from "../deps.ts";
import { getSettings, updateSettings } from "../../storage/settings.ts";
import type { SetupDeps } from "./deps.ts";

/** Bot tokens look like `123456:AA…` (the same rule as the environment's). */
const TOKEN_RE = /^\d{1,20}:[A-Za-z0-9_-]{20,}$/;

/** A token anywhere in a text: pasted inside a sentence, it must go from the chat too. */
const TOKEN_IN_TEXT = /(?<![\w:])\d{1,20}:[A-Za-z0-9_-]{20,}(?![\w-])/;

/** Whether a text contains something that looks like a bot token (then it is deleted). */
export function looksLikeToken(text: string): boolean {
  return TOKEN_IN_TEXT.test(text);
}

/** The token in a text (alone or inside a sentence), or the trimmed text when there is none. */
export function tokenIn(text: string): string {
  return text.match(TOKEN_IN_TEXT)?.[0] ?? text.trim();
}

/** A bot as getMe describes it. */
export interface BotIdentity {
  id: number;
  username: string;
  firstName: string;
}

/** Outcome of a token check; `reason` is a code the bot turns into words. */
export type TokenCheck =
  | { ok: true; bot: BotIdentity }
  | { ok: false; reason: "bad_format" | "rejected" | "unreachable" };

/** The Bot API of a token, against the configured server. */
export function apiFor(deps: Pick<SetupDeps, "apiRoot">, token: string): Api {
  return new Api(token, { apiRoot: deps.apiRoot });
}

/** Asks Telegram who the token belongs to. */
export async function checkToken(
  deps: Pick<SetupDeps, "apiRoot">,
  token: string,
): Promise<TokenCheck> {
  const tok = token.trim();
  if (!TOKEN_RE.test(tok)) return { ok: false, reason: "bad_format" };
  try {
    const me = await apiFor(deps, tok).getMe();
    return { ok: true, bot: { id: me.id, username: me.username, firstName: me.first_name } };
  } catch (e) {
    // 401/404: Telegram does not know the token (wrong or revoked)
    if (e instanceof GrammyError && (e.error_code === 401 || e.error_code === 404)) {
      return { ok: false, reason: "rejected" };
    }
    return { ok: false, reason: "unreachable" };
  }
}

/** How a checked token relates to what is configured. */
export type TokenPlan =
  | { type: "new" | "rotation" | "migration"; kind: BotKind; bot: BotIdentity }
  | { type: "other_bot" | "settings_bot"; kind: BotKind; bot: BotIdentity };

function fields(kind: BotKind) {
  return kind === "client"
    ? { token: "clientBotToken", id: "clientBotId", user: "clientBotUsername" } as const
    : { token: "managerBotToken", id: "managerBotId", user: "managerBotUsername" } as const;
}

/**
 * Decides what a token of `bot` means for `kind`: the first token, a new token of the same
 * bot (rotation: nothing is lost), a different bot (migration: must be confirmed), or the
 * other kind's bot (refused: one bot cannot be both).
 */
export function planToken(
  s: Settings,
  kind: BotKind,
  bot: BotIdentity,
  settingsBotId: number,
): TokenPlan {
  if (bot.id === settingsBotId) return { type: "settings_bot", kind, bot };
  const f = fields(kind);
  const other = fields(kind === "client" ? "manager" : "client");
  if (s[other.id] === bot.id) return { type: "other_bot", kind, bot };
  const current = s[f.id];
  if (current === null) return { type: "new", kind, bot };
  return { type: current === bot.id ? "rotation" : "migration", kind, bot };
}

/**
 * Stores the token of `plan` and restarts that bot, so it starts receiving updates at once;
 * then resumes the outbox so queued messages go out through the new instance.
 */
export async function applyToken(
  deps: SetupDeps,
  by: number,
  plan: Exclude<TokenPlan, { type: "other_bot" | "settings_bot" }>,
  token: string,
) {
  const f = fields(plan.kind);
  await updateSettings(deps.kv, by, deps.clock.now(), (s) => ({
    [f.token]: token.trim(),
    [f.id]: plan.bot.id,
    [f.user]: plan.bot.username,
    // a new token is given to be used: a bot an admin had stopped starts with it
    stoppedBots: s.stoppedBots.filter((k) => k !== plan.kind),
  }));
  deps.log.info("bot token changed", { bot: plan.kind, change: plan.type, by });
  const status = await deps.control.restart(plan.kind);
  await deps.outbox.resume();
  return status;
}

/** Fills the bots' ids and usernames when tokens came from the environment. */
export async function learnBotIdentities(deps: SetupDeps): Promise<Settings> {
  let s = await getSettings(deps.kv);
  for (const kind of ["client", "manager"] as const) {
    const f = fields(kind);
    const token = s[f.token];
    if (!token || s[f.id] !== null) continue;
    const r = await checkToken(deps, token);
    if (!r.ok) continue;
    s = await updateSettings(deps.kv, 0, deps.clock.now(), () => ({
      [f.id]: r.bot.id,
      [f.user]: r.bot.username,
    }));
  }
  return s;
}
