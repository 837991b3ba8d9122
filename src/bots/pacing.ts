/**
 * Every message-creating or editing call a bot makes goes through the shared pacer (so it
 * stays under Telegram's limits before Telegram has to answer 429), and a 429 that happens
 * anyway is waited out (`retry_after`) and retried.
 *
 * @module
 */
import type { Api } from "grammy";
import type { Pacer } from "../services/pacer.ts";

/** Methods Telegram counts against the per-chat and per-bot message limits. */
const COUNTED = new Set([
  "sendMessage",
  "copyMessage",
  "copyMessages",
  "forwardMessage",
  "forwardMessages",
  "sendPhoto",
  "sendVideo",
  "sendAnimation",
  "sendAudio",
  "sendVoice",
  "sendVideoNote",
  "sendDocument",
  "sendSticker",
  "sendLocation",
  "sendVenue",
  "sendContact",
  "sendPoll",
  "sendDice",
  "sendMediaGroup",
  "editMessageText",
  "editMessageCaption",
  "editMessageMedia",
  "editMessageReplyMarkup",
]);

const MAX_RATE_RETRIES = 8;

/** Installs pacing and 429 retries on a bot's API; `name` keys the bot's limits. */
export function installPacing(api: Api, pacer: Pacer, name: string): void {
  api.config.use(async (prev, method, payload, signal) => {
    const p = payload as Record<string, unknown>;
    const chatId = p.chat_id;
    if (!COUNTED.has(method) || typeof chatId !== "number") return prev(method, payload, signal);
    const n = method === "sendMediaGroup" && Array.isArray(p.media)
      ? p.media.length
      : method === "copyMessages" || method === "forwardMessages"
      ? (Array.isArray(p.message_ids) ? p.message_ids.length : 1)
      : 1;
    for (let attempt = 0;; attempt++) {
      const res = await pacer.run(name, chatId, () => prev(method, payload, signal), n);
      const retryAfter = !res.ok && res.error_code === 429
        ? res.parameters?.retry_after
        : undefined;
      if (retryAfter === undefined || attempt >= MAX_RATE_RETRIES) return res;
      await new Promise((r) => setTimeout(r, pacer.backOff(name, chatId, retryAfter)));
    }
  });
}
