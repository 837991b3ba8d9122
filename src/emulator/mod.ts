/**
 * Strict Telegram Bot API emulator. See docs/emulator.md.
 *
 * ```ts
 * const emu = await startEmulator({ timeScale: 0.01 });
 * const bot = emu.createBot({ username: "client_bot" });
 * // grammY: new Bot(bot.token, { client: { apiRoot: emu.apiRoot } })
 * await emu.close();
 * ```
 */
export {
  CONTROL_METHODS,
  Emulator,
  type EmulatorOptions,
  type FileSpec,
  type ForwardOriginSpec,
  type SentRef,
  startEmulator,
  type UserContent,
  type UserSendOptions,
  type ViewMessage,
} from "./emulator.ts";
export type { Anomaly, AnomalyKind } from "./anomalies.ts";
export { ApiError, E } from "./errors.ts";
export type { FaultSpec } from "./faults.ts";
export type { AutoForwardDelay } from "./methods.ts";
export { Clock, LIMITS, RATE } from "./rules.ts";
export { SCHEMA_VERSION } from "./schema.ts";
export type { AdminRights, CallLogEntry, MemberStatus } from "./world.ts";
export { CHANNEL_BOT_ID, GROUP_ANONYMOUS_BOT_ID, TELEGRAM_USER_ID } from "./world.ts";
