/**
 * KV keys of the settings bot's own records (setup dialogue, invites, channel offers).
 * Kept apart from `keys.ts` so the settings bot's records can grow without touching it.
 *
 * @module
 */

/** Key builders of the settings bot. */
export const SK = {
  /** ["setup_wait", adminId] → Wait: what the admin's next text means (expires after a day). */
  wait: (adminId: number) => ["setup_wait", adminId] as const,
  /** ["setup_admin_seen", adminId] → AdminSeen: the admin's language, to write to them first. */
  adminSeen: (adminId: number) => ["setup_admin_seen", adminId] as const,
  adminSeenAll: () => ["setup_admin_seen"] as const,
  /** ["setup_invite", code] → ManagerInvite: a one-time manager invite (expires by itself). */
  invite: (code: string) => ["setup_invite", code] as const,
  /** ["setup_offer", chatId] → ChannelOffer: a channel the manager bot was made admin of. */
  offer: (chatId: number) => ["setup_offer", chatId] as const,
  offers: () => ["setup_offer"] as const,
} as const;
