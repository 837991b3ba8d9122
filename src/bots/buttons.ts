/**
 * The one way the bots route button presses. The callback data of every button is declared and
 * parsed with zod in `services/callback_data.ts`; a bot's gate parses a press once and puts the
 * result into its context (or `read` parses it on the spot), and each feature registers here for
 * the kinds of button it answers. A press no feature takes goes on, to the bot's last-resort
 * answer (forged or stale data is told so there, or by the gate).
 *
 * @module
 */
import type { Composer, Context, Filter } from "grammy";

/**
 * Handles presses whose parsed data (`read` from the context) has its `key` field equal to one
 * of `kinds`; `fn` gets the press and its data narrowed to those kinds. Any other press goes on.
 */
export function onButton<
  C extends Context,
  B extends object,
  K extends keyof B,
  V extends B[K] & string,
>(
  c: Composer<C>,
  read: (ctx: C) => B | null | undefined,
  key: K,
  kinds: readonly V[],
  fn: (ctx: Filter<C, "callback_query:data">, b: B & { [P in K]: V }) => Promise<void>,
): void {
  c.on("callback_query:data", async (ctx, next) => {
    const b = read(ctx);
    if (!b || !(kinds as readonly unknown[]).includes(b[key])) return await next();
    await fn(ctx, b as B & { [P in K]: V });
  });
}
