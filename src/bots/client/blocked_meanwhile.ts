/**
 * A customer who blocked the client bot while their update waited (the bot stopped, a backlog,
 * a restart): the bot's answer to them is refused with 403. That refusal is the answer to the
 * question "can we reach them?", not a failure of the update: the customer is marked
 * unreachable (their threads are told, deliveries wait) and the update counts as handled; what
 * it recorded stays, and a held message is asked about once they write again.
 *
 * @module
 */
import type { Context, MiddlewareFn } from "grammy";
import { customerGone } from "../../services/customer_gone.ts";
import type { BotDeps } from "../context.ts";

/**
 * Runs `fn`, the handling of a customer's update in their private chat `chatId`: a refusal
 * of a message to them for good marks them unreachable instead of failing it. Why apart from
 * the middleware: an album is handed on by the collector's timer, outside the bot's chain.
 */
export async function blockedTolerated(
  deps: BotDeps,
  chatId: number,
  fn: () => Promise<unknown>,
): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (!customerGone(e, chatId)) throw e;
    deps.log.info("the customer blocked the bot before the answer", { user: chatId });
    await deps.outbox.markUnreachable(chatId, true);
  }
}

/** The boundary around the client bot's handling of a customer's private update. */
export function blockedMeanwhile(deps: BotDeps): MiddlewareFn<Context> {
  return async (ctx, next) => {
    const chat = ctx.chat;
    if (chat?.type !== "private") return await next();
    await blockedTolerated(deps, chat.id, next);
  };
}
