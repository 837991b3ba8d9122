/**
 * Updates received from Telegram are written here before their offset is confirmed, and
 * removed once processed: a process killed in between finds them again on restart.
 *
 * @module
 */
import type { Update } from "grammy/types";
import { K } from "./keys.ts";

/** Writes received updates (idempotent per update id). */
export async function saveIntake(kv: Deno.Kv, bot: string, updates: Update[]): Promise<void> {
  for (let i = 0; i < updates.length; i += 100) {
    const op = kv.atomic();
    for (const u of updates.slice(i, i + 100)) op.set(K.intake(bot, u.update_id), u);
    await op.commit();
  }
}

/** Updates received but not processed yet, oldest first. */
export async function listIntake(kv: Deno.Kv, bot: string): Promise<Update[]> {
  const out: Update[] = [];
  for await (const e of kv.list<Update>({ prefix: K.intakePrefix(bot) })) out.push(e.value);
  return out;
}

/** Forgets processed updates. */
export async function dropIntake(kv: Deno.Kv, bot: string, updateIds: number[]): Promise<void> {
  for (let i = 0; i < updateIds.length; i += 500) {
    const op = kv.atomic();
    for (const id of updateIds.slice(i, i + 500)) op.delete(K.intake(bot, id));
    await op.commit();
  }
}

/** What the service knows of a bot's health. */
export interface BotState {
  lastUpdateAt: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
}

/** Reads a bot's health record. */
export async function getBotState(kv: Deno.Kv, bot: string): Promise<BotState> {
  return (await kv.get<BotState>(K.botState(bot))).value ??
    { lastUpdateAt: null, lastError: null, lastErrorAt: null };
}

/** Updates a bot's health record. */
export async function patchBotState(
  kv: Deno.Kv,
  bot: string,
  patch: Partial<BotState>,
): Promise<void> {
  const cur = await getBotState(kv, bot);
  await kv.set(K.botState(bot), { ...cur, ...patch });
}
