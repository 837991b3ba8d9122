/**
 * Deno KV keys of the managers' desk (manager bot), kept apart from `keys.ts` so that the desk
 * can grow without touching the shared key list. Every prefix starts with `desk_`.
 *
 * @module
 */

/** Key builders of the desk. */
export const DK = {
  /** ["desk_canned", name] → CannedReply: a team canned answer, by its lower-case name. */
  canned: (name: string) => ["desk_canned", name] as const,
  /** ["desk_canned"] prefix: every canned answer, by name. */
  cannedAll: () => ["desk_canned"] as const,
  /**
   * ["desk_unreachable", managerId] → at: the manager bot got 403 writing to this manager
   * (they never pressed /start or blocked the bot); cleared when they write to the bot.
   */
  unreachable: (managerId: number) => ["desk_unreachable", managerId] as const,
  /**
   * ["desk_rotation", scope] → managerId: who got the last ticket of a round-robin rotation
   * (scope `all` for the whole team, `topic:<name>` for a topic's group).
   */
  rotation: (scope: string) => ["desk_rotation", scope] as const,
} as const;
