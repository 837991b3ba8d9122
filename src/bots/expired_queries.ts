/**
 * A button press answered too late: Telegram refuses the answer ("query is too old") once the
 * press is older than its answer window, which a busy or just restarted service can pass. The
 * answer only stops the button's spinner; what the press asked for must still happen, so the
 * refusal counts as answered instead of failing (and setting aside) the whole update.
 *
 * @module
 */
import type { Api } from "grammy";

const EXPIRED = /query is too old|query ID is invalid/;

/** Installs on a bot's API: an expired callback query's answer resolves as done. */
export function tolerateExpiredQueries(api: Api, onExpired?: () => void): void {
  api.config.use(async (prev, method, payload, signal) => {
    const res = await prev(method, payload, signal);
    if (
      method === "answerCallbackQuery" && !res.ok && res.error_code === 400 &&
      EXPIRED.test(res.description)
    ) {
      onExpired?.();
      // deno-lint-ignore no-explicit-any
      return { ok: true, result: true } as any;
    }
    return res;
  });
}
