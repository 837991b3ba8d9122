/**
 * Telegram's answer that a customer cannot be reached at all: they blocked the client bot or
 * their account is deleted. That is an answer about the customer, not a failure to retry.
 *
 * @module
 */
import { GrammyError } from "grammy";

const GONE = /bot was blocked by the user|user is deactivated/;

/** Whether `e` is Telegram refusing a message to the private chat `chatId` for good. */
export function customerGone(e: unknown, chatId: number): boolean {
  if (!(e instanceof GrammyError) || e.error_code !== 403 || !GONE.test(e.description)) {
    return false;
  }
  return (e.payload as { chat_id?: unknown }).chat_id === chatId;
}
