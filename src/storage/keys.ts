/**
 * Every Deno KV key prefix of the service, in one place, with the layout of each key.
 * Storage modules build keys only through these helpers.
 *
 * @module
 */

/** Key builders. Numbers are ticket numbers unless said otherwise. */
export const K = {
  /**
   * ["settings"] → Settings without `faq` and `faqLocal` (one record; tokens live only here).
   * Older records hold those two as well.
   */
  settings: () => ["settings"] as const,
  /**
   * ["settings_faq", topic] → StoredFaq: a topic's ready answers (`faq[topic]`,
   * `faqLocal[topic]`), apart because thirty topics' answers in two languages outgrow KV's
   * 64 KiB per value. Written only with the settings record, in the same operation.
   */
  settingsFaq: (topic: string) => ["settings_faq", topic] as const,
  settingsFaqAll: () => ["settings_faq"] as const,
  /** ["settings_log", at, rand] → SettingsChange (who changed what, when). */
  settingsLog: (at: number, rand: string) => ["settings_log", at, rand] as const,
  settingsLogAll: () => ["settings_log"] as const,
  /** ["counter", "ticket"] → number: the last ticket number handed out. */
  ticketCounter: () => ["counter", "ticket"] as const,
  /** ["ticket", number] → Ticket. */
  ticket: (n: number) => ["ticket", n] as const,
  /** ["ticket", …] prefix for scans. */
  tickets: () => ["ticket"] as const,
  /** ["ticket_seq", number] → number: last sequence used for the ticket's messages and events. */
  ticketSeq: (n: number) => ["ticket_seq", n] as const,
  /** ["by_client", clientId, number] → null: a client's tickets. */
  byClient: (clientId: number, n: number) => ["by_client", clientId, n] as const,
  byClientPrefix: (clientId: number) => ["by_client", clientId] as const,
  /** ["by_manager", managerId, number] → null: tickets assigned to a manager. */
  byManager: (managerId: number, n: number) => ["by_manager", managerId, n] as const,
  byManagerPrefix: (managerId: number) => ["by_manager", managerId] as const,
  /** ["by_status", status, number] → null. */
  byStatus: (status: string, n: number) => ["by_status", status, n] as const,
  byStatusPrefix: (status: string) => ["by_status", status] as const,
  /**
   * ["by_post", channelPostId] → number: a post of the main desk. Telegram numbers messages per
   * chat, so the posts of a further desk `d` (1, 2, …) are indexed apart, by desk: ["desk_post",
   * d, channelPostId] → number.
   */
  byPost: (postId: number, desk = 0) =>
    desk === 0 ? ["by_post", postId] as const : ["desk_post", desk, postId] as const,
  byPostAll: (desk = 0) => desk === 0 ? ["by_post"] as const : ["desk_post", desk] as const,
  /**
   * ["by_thread", threadRootId] → number (root = automatic forward's id in the group); a further
   * desk's: ["desk_thread", d, threadRootId] → number.
   */
  byThread: (threadId: number, desk = 0) =>
    desk === 0 ? ["by_thread", threadId] as const : ["desk_thread", desk, threadId] as const,
  byThreadAll: (desk = 0) => desk === 0 ? ["by_thread"] as const : ["desk_thread", desk] as const,
  /**
   * ["root_early", channelPostId] → threadRootId: a root that arrived before its post id was
   * stored; a further desk's: ["desk_root_early", d, channelPostId] → threadRootId.
   */
  rootEarly: (postId: number, desk = 0) =>
    desk === 0 ? ["root_early", postId] as const : ["desk_root_early", desk, postId] as const,
  rootEarlyAll: (desk = 0) =>
    desk === 0 ? ["root_early"] as const : ["desk_root_early", desk] as const,
  /**
   * ["post_attempt", number] → at: a channel post of the ticket was sent (its answer may be
   * lost); an automatic forward naming the ticket is then adopted as its post (expires).
   */
  postAttempt: (n: number) => ["post_attempt", n] as const,
  /** ["event", number, seq] → TicketEvent, in order. */
  event: (n: number, seq: number) => ["event", n, seq] as const,
  eventPrefix: (n: number) => ["event", n] as const,
  events: () => ["event"] as const,
  /** ["message", number, seq] → MessageRecord, in order. */
  message: (n: number, seq: number) => ["message", n, seq] as const,
  messagePrefix: (n: number) => ["message", n] as const,
  messages: () => ["message"] as const,
  /** ["message_part", number, seq, i] → string: part i of a text too long for one value. */
  messagePart: (n: number, seq: number, i: number) => ["message_part", n, seq, i] as const,
  messageParts: (n: number, seq: number) => ["message_part", n, seq] as const,
  /** ["msg_ref", chatId, messageId] → {ticket, seq}: any Telegram message (source or copy) → its record. */
  msgRef: (chatId: number, messageId: number) => ["msg_ref", chatId, messageId] as const,
  /**
   * ["fast_lane", managerId, messageId] → {ticket, seq}: a notification in the manager's chat
   * with the manager bot that carries the client's message `seq`; a reply to it answers the
   * client (expires after 30 days).
   */
  fastLane: (managerId: number, messageId: number) => ["fast_lane", managerId, messageId] as const,
  fastLaneAll: () => ["fast_lane"] as const,
  /** ["client", userId] → Client. */
  client: (userId: number) => ["client", userId] as const,
  clients: () => ["client"] as const,
  /** ["manager", userId] → Manager. */
  manager: (userId: number) => ["manager", userId] as const,
  managers: () => ["manager"] as const,
  /** ["admin", userId] → Admin added in the settings bot (ADMIN_IDS are not stored). */
  admin: (userId: number) => ["admin", userId] as const,
  admins: () => ["admin"] as const,
  /**
   * ["admin_alert", at, id] → AdminAlert: a message to one admin through the settings bot,
   * written before it is sent and deleted once delivered (`at` keeps each admin's in order).
   */
  adminAlert: (at: number, id: string) => ["admin_alert", at, id] as const,
  adminAlerts: () => ["admin_alert"] as const,
  /** ["inbox", bot, updateId] → at: the update was processed (expires after a week). */
  inbox: (bot: string, updateId: number) => ["inbox", bot, updateId] as const,
  /**
   * ["intake", bot, updateId] → Update (or {parts: n} for one over 64 KiB, its JSON then in
   * ["intake", bot, updateId, i] → string): received from Telegram, not yet processed.
   */
  intake: (bot: string, updateId: number) => ["intake", bot, updateId] as const,
  intakePrefix: (bot: string) => ["intake", bot] as const,
  /**
   * ["set_aside", bot, updateId] → SetAsideUpdate: an update that failed every attempt (or a
   * corrupted intake record), kept with its reason for the admins instead of blocking its chat.
   */
  setAside: (bot: string, updateId: number) => ["set_aside", bot, updateId] as const,
  setAsidePrefix: (bot: string) => ["set_aside", bot] as const,
  /** ["update_failures", bot, updateId] → n: failed webhook attempts of an update (a day). */
  updateFailures: (bot: string, updateId: number) => ["update_failures", bot, updateId] as const,
  /** ["album", chatId, mediaGroupId, messageId] → {part: Incoming, at}: album part waiting for the rest. */
  albumPart: (chatId: number, group: string, messageId: number) =>
    ["album", chatId, group, messageId] as const,
  albumParts: (chatId: number, group: string) => ["album", chatId, group] as const,
  albumsAll: () => ["album"] as const,
  /** ["album_claim", chatId, mediaGroupId] → {until}: the album is being handed on (a lease). */
  albumClaim: (chatId: number, group: string) => ["album_claim", chatId, group] as const,
  /** ["sla", number, cycle, threshold] → at: the SLA alert was sent (once per threshold). */
  sla: (n: number, cycle: number, threshold: string) => ["sla", n, cycle, threshold] as const,
  slaCycle: (n: number, cycle: number) => ["sla", n, cycle] as const,
  /** ["flood", clientId] → {minute, count}: messages of the client's current minute (an hour). */
  flood: (clientId: number) => ["flood", clientId] as const,
  /**
   * ["stranger_notice", ticket, senderId] → at: when the thread was last told that a
   * non-manager (or an anonymous sender) wrote there; one notice per sender and period.
   */
  strangerNotice: (n: number, sender: number) => ["stranger_notice", n, sender] as const,
  /** ["closed_notice", clientId] → at: the customer was told the closed helpdesk keeps messages. */
  closedNotice: (clientId: number) => ["closed_notice", clientId] as const,
  /** ["off_hours", number, cycle] → at: the client got the off-hours reply in this cycle. */
  offHours: (n: number, cycle: number) => ["off_hours", n, cycle] as const,
  /** ["report_sent", schedule, periodStart] → at: the scheduled report of that period went out. */
  reportSent: (schedule: string, from: number) => ["report_sent", schedule, from] as const,
  /** ["bot_state", bot] → BotState: last update time, last error, stopped by an admin. */
  botState: (bot: string) => ["bot_state", bot] as const,
  /** ["outbox", number, lane, seq] → OutboxJob: a message to send, in per-ticket, per-lane order. */
  outbox: (n: number, lane: string, seq: number) => ["outbox", n, lane, seq] as const,
  outboxLane: (n: number, lane: string) => ["outbox", n, lane] as const,
  outboxAll: () => ["outbox"] as const,
  /**
   * ["outbox_quarantine", number, lane, seq] → QuarantinedJob: a job taken out of its lane for
   * good (unknown type, or past the retry ceiling), with its reason; kept for inspection.
   */
  outboxQuarantine: (n: number, lane: string, seq: number) =>
    ["outbox_quarantine", n, lane, seq] as const,
  outboxQuarantineAll: () => ["outbox_quarantine"] as const,
  /** ["post_dirty", number] → at: the ticket's channel post must be (re)rendered. */
  postDirty: (n: number) => ["post_dirty", n] as const,
  postDirtyAll: () => ["post_dirty"] as const,
  /** ["draft", clientId] → ClientDraft: where a client is in a dialogue with the client bot. */
  draft: (clientId: number) => ["draft", clientId] as const,
  draftAll: () => ["draft"] as const,
  /**
   * ["closed_hold_left"] → at: an opening has not handed on every customer's kept messages
   * yet (the minute job finishes it, then deletes this).
   */
  closedHoldLeft: () => ["closed_hold_left"] as const,
  /** ["held", clientId, updateId] → HeldMessage: written while the client chooses a ticket. */
  held: (clientId: number, updateId: number) => ["held", clientId, updateId] as const,
  heldPrefix: (clientId: number) => ["held", clientId] as const,
  /**
   * ["pacer"] → PacerSnapshot: the rate pacer's windows (times of the sends still inside each
   * window), so that a restarted service goes on where Telegram's counting is.
   */
  pacer: () => ["pacer"] as const,
  /**
   * ["setup_watch"] → string[]: the setup problems ("code" or "code:bot") the admins were last
   * alerted about by the periodic setup check; empty when the setup is whole.
   */
  setupWatch: () => ["setup_watch"] as const,
  /** ["setup_wait", adminId] → Wait: what the admin's next text means (expires after a day). */
  setupWait: (adminId: number) => ["setup_wait", adminId] as const,
  /** ["setup_admin_seen", adminId] → AdminSeen: the admin's language, to write to them first. */
  setupAdminSeen: (adminId: number) => ["setup_admin_seen", adminId] as const,
  setupAdminSeenAll: () => ["setup_admin_seen"] as const,
  /** ["setup_invite", code] → ManagerInvite: a one-time manager invite (expires by itself). */
  setupInvite: (code: string) => ["setup_invite", code] as const,
  /** ["setup_offer", chatId] → ChannelOffer: a channel the manager bot was made admin of. */
  setupOffer: (chatId: number) => ["setup_offer", chatId] as const,
  setupOffers: () => ["setup_offer"] as const,
  /** ["claim"] → Claim: the one pending claim code (the first admin's link), hashed. */
  claim: () => ["claim"] as const,
  /** ["desk_canned", name] → CannedReply: a team canned answer, by its lower-case name. */
  deskCanned: (name: string) => ["desk_canned", name] as const,
  /** ["desk_canned"] prefix: every canned answer, by name. */
  deskCannedAll: () => ["desk_canned"] as const,
  /**
   * ["desk_unreachable", managerId] → at: the manager bot got 403 writing to this manager
   * (they never pressed /start or blocked the bot); cleared when they write to the bot.
   */
  deskUnreachable: (managerId: number) => ["desk_unreachable", managerId] as const,
  /**
   * ["meta", "probe"] → never written: read once when a database is opened, because a file that
   * is not a database opens lazily and only the first read tells.
   */
  probe: () => ["meta", "probe"] as const,
  /**
   * ["faq_solved", at, clientId] → topic: a customer pressed "this solved it" under a topic's
   * ready answers, so no ticket was opened (counted by the report).
   */
  faqSolved: (at: number, clientId: number) => ["faq_solved", at, clientId] as const,
  faqSolvedAll: () => ["faq_solved"] as const,
  /**
   * ["desk_rotation", scope] → managerId: who got the last ticket of a round-robin rotation
   * (scope `all` for the whole team, `topic:<name>` for a topic's group).
   */
  deskRotation: (scope: string) => ["desk_rotation", scope] as const,
  /**
   * ["client_note", clientId] → ClientNote: the team's private note on a customer, shown in the
   * client card comment of each new ticket and on the cards; never sent to the customer.
   */
  clientNote: (clientId: number) => ["client_note", clientId] as const,
  /**
   * ["lease", name] → {owner, until}: the process (owner id) that alone works on `name` (an
   * outbox lane "n:lane", a post "n:post") until a wall-clock time, across processes on one KV.
   */
  lease: (name: string) => ["lease", name] as const,
  /**
   * ["pending_migration", adminId] → PendingMigrationRecord: a bot migration waiting for the
   * admin's yes (its token sealed; expires after 10 minutes).
   */
  pendingMigration: (adminId: number) => ["pending_migration", adminId] as const,
} as const;
