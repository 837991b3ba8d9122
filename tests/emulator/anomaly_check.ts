/** Teardown check of product tests: the product never relies on a parameter Telegram ignores. */
import type { Emulator } from "../../src/emulator/mod.ts";

/**
 * Throws if the emulator recorded an anomaly (a parameter the method does not have, or a
 * message_thread_id sent to a chat without topics): on Telegram such a call does something
 * else than the product means. See docs/emulator.md, "Ignored parameters and anomalies".
 */
export function assertNoAnomalies(emu: Emulator): void {
  const list = emu.anomalies();
  if (list.length === 0) return;
  const lines = list.map((a) => `  ${a.method} (bot ${a.botId}): ${a.kind} ${a.field}`);
  throw new Error(`the product made calls Telegram would read differently:\n${lines.join("\n")}`);
}
