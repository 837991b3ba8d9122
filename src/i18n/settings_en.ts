// It stays one file over 400 lines: it is one table, the settings bot's every text in one
// language, keyed like its twin file; split by feature, a missing or stray key would be harder
// to see.
import type { settingsRu } from "./settings_ru.ts";

/** English texts of the settings bot; exactly the keys of the Russian file. */
export const settingsEn: Record<keyof typeof settingsRu, string> = {
  settings_placeholder: "settings",
  s_refused: "This bot is for the helpdesk's admins only.",
  s_refused_id:
    "This bot is for the helpdesk's admins only. Your Telegram id is {id}: an admin can add you in “Admins”.",
  s_claimed: "You are the first admin of this helpdesk.",
  s_claim_used: "This link has been used already: the helpdesk has an admin.",
  s_claim_expired: "This link has expired: restart the service and it prints a new one.",
  s_welcome_setup:
    "Hello! Here you set up the helpdesk. You need two bots made in @BotFather (one for clients, one for managers) and a private channel with a discussion group. Below is what is ready and what is left to do.",
  s_menu_open: "The helpdesk is open. What would you like to set up?",
  s_menu_closed: "The helpdesk is not open to clients yet. What would you like to set up?",
  s_stale_button: "This button is out of date. Open the menu again: /menu",
  s_cancelled: "Cancelled.",
  s_saved: "Saved.",
  // buttons
  s_btn_menu: "⬅️ Menu",
  s_btn_cancel: "Cancel",
  s_btn_status: "🩺 Status",
  s_btn_open: "▶️ Open the helpdesk",
  s_btn_close: "⏸ Close the helpdesk",
  s_btn_managers: "👥 Managers",
  s_btn_admins: "🛡 Admins",
  s_btn_hours: "🕘 Working time",
  s_btn_topics: "🏷 Topics",
  s_btn_texts: "💬 Texts",
  s_btn_tickets: "🎫 Tickets",
  s_btn_clients: "🙍 Clients",
  s_btn_bots: "🤖 Bots",
  s_btn_desks: "🗂 Desks",
  s_btn_desk_add: "➕ Add a desk",
  s_btn_desk_topics: "🏷 Topics of desk {id}",
  s_btn_desk_remove: "🗑 Remove desk {id}",
  s_btn_desk_remove_yes: "Remove it",
  s_desks_title:
    "Desks: each is a channel with its discussion group where tickets are posted and answered. Telegram lets a bot write about 20 messages a minute into one chat, so each desk adds that much room. New tickets go to the desk their topic is routed to; a ticket stays on its desk.",
  s_desk_main: "Desk 0 (main), channel {channel}: {topics}",
  s_desk_line: "Desk {id} “{title}”: {topics}",
  s_desks_none: "No further desks.",
  s_ask_desk_channel:
    "To add a desk: create a private channel with a discussion group (topics off, content protection off), make both the manager bot and the client bot administrators of both (posting and editing in the channel), then forward a post of the channel here, or send its @username or id.",
  s_desk_no_manager_bot: "Connect the manager bot first: the channel is checked through it.",
  s_desk_not_found:
    "The manager bot cannot see this channel. Make it an administrator of the channel and try again.",
  s_desk_not_channel: "This is not a channel. A channel with a discussion group is needed.",
  s_desk_no_group:
    "This channel has no discussion group. Link one in the channel's settings → Discussion, then try again.",
  s_desk_main_channel:
    "These are the main desk's chats. A further desk needs a channel and group of its own.",
  s_desk_taken: "This channel (or its group) is a desk already.",
  s_desk_too_many: "There are as many desks as can be. Remove one first.",
  s_desk_doctor_failed:
    "“{title}” is not ready to be a desk: nothing was changed. Fix this, then try again:",
  s_desk_added: "Desk {id} “{title}” added. Route topics to it: press a topic below.",
  s_desk_routing:
    "Topics of desk {id} “{title}”: ✅ routed here, →N to desk N, · to the main desk. Press one to route it here or back to the main desk. Tickets opened before stay where they are.",
  s_desk_gone: "There is no such desk any more.",
  s_desk_no_topics: "There are no topics yet: add them in “Topics” first.",
  s_desk_remove_confirm:
    "Remove desk {id} “{title}”? Its topics go back to the main desk, and its tickets move there: open ones are posted again in the main channel with a link to their old thread, closed ones when reopened.",
  s_desk_removed: "Desk {id} removed; open tickets moved to the main desk: {moved}.",
  s_desk_problem: "Desk {id} “{title}”: {problem}",
  s_desk_links: "Desk {id} “{title}”: channel {channel} · group {group}",
  s_btn_token_client: "🔑 Client bot token",
  s_btn_token_manager: "🔑 Manager bot token",
  s_btn_unhook: "Remove the webhook: {bot}",
  s_btn_channel: "📣 Choose the channel",
  s_btn_use_channel: "✅ Use this channel",
  s_btn_recheck: "🔄 Check again",
  s_btn_migrate: "Yes, switch to the new bot",
  s_btn_restart: "🔄 Restart: {bot}",
  s_btn_stop: "⏹ Stop: {bot}",
  s_btn_invite: "🔗 Invite link",
  s_btn_add_manager: "➕ Add by message or id",
  s_btn_remove_named: "🗑 Remove {name}",
  s_btn_yes_remove: "Yes, remove",
  s_btn_transfer_n: "Transfer #{number}",
  s_btn_add_admin: "➕ Add an admin",
  s_btn_set_tz: "Time zone",
  s_btn_set_week: "Working hours",
  s_btn_set_hol: "Holidays",
  s_btn_hol_clear: "Clear holidays",
  s_btn_set_react: "Target: reaction",
  s_btn_set_closet: "Target: close",
  s_btn_set_warn: "Warning threshold",
  s_btn_add_topic: "➕ Add a topic",
  s_btn_transfer: "↪️ Transfer to another manager",
  s_btn_export: "📦 Export data",
  s_btn_delete_data: "🗑 Delete data",
  s_btn_yes_delete: "Yes, delete everything",
  // status and doctor
  s_status_open: "✅ The helpdesk is open to clients.",
  s_status_closed: "⏸ The helpdesk is not open to clients yet.",
  s_bot_client: "Client bot",
  s_bot_manager: "Manager bot",
  s_bot_line: "{bot} {username}: {state}, last updates: {seen}",
  s_bot_error: "   Error: {error}",
  s_stale:
    "   ⚠️ No updates for a long time. Telegram keeps undelivered messages for only 24 hours — check the bot.",
  s_never: "none yet",
  s_ago: "{time} ago",
  s_state_missing: "no token",
  s_state_starting: "starting",
  s_state_setup: "running (helpdesk not open)",
  s_state_running: "running",
  s_state_stopped: "stopped",
  s_state_error: "error",
  s_channel_line: "Channel: “{title}”",
  s_channel_none: "Channel: not chosen",
  s_group_line: "Discussion group: “{title}”",
  s_doctor_ok: "Check passed: everything is ready.",
  s_doctor_problems: "What needs fixing:",
  s_doctor_warnings: "Everything required is ready, with some remarks:",
  s_p_token_missing: "{bot}: no token. Create a bot in @BotFather (/newbot) and send me its token.",
  s_p_token_rejected:
    "{bot}: Telegram rejects the token — it is wrong or revoked. Get the current token from @BotFather (/token) and send it.",
  s_p_telegram_unreachable: "{bot}: could not reach Telegram. Check again in a minute.",
  s_p_same_bot: "The same bot is set for clients and for managers. Two different bots are needed.",
  s_p_webhook_set:
    "{bot}: another program receives this bot's updates (a webhook is set). If you do not need it, press “Remove the webhook”.",
  s_p_channel_missing:
    "No channel chosen. Create a private channel and add the manager bot to it as an admin — I will offer that channel. Or forward a post from the channel here.",
  s_p_channel_unreachable:
    "The bots cannot see the chosen channel. Add the manager bot to the channel as an admin.",
  s_p_not_a_channel: "The chosen chat is not a channel. Choose a channel.",
  s_p_channel_public:
    "The channel is public. Make it private: channel settings → “Channel type” → “Private”.",
  s_p_channel_protected:
    "The channel restricts saving content. Turn it off: channel settings → “Restrict saving content”.",
  s_p_group_missing:
    "The channel has no discussion group. In the channel settings → “Discussion”, create or link a group.",
  s_p_group_not_linked:
    "The group is not linked to the channel. In the channel settings → “Discussion”, choose the group again.",
  s_p_group_forum:
    "The discussion group has topics (forum) on. Turn them off: group settings → “Topics”.",
  s_p_group_protected:
    "The discussion group restricts saving content. Turn it off: group settings → “Restrict saving content”.",
  s_p_not_admin_channel:
    "{bot} is not an admin of the channel. Add it: channel → “Administrators” → “Add admin”.",
  s_p_cant_post:
    "{bot}: lacks the “Post messages” right in the channel. Turn it on in its admin rights.",
  s_p_cant_edit:
    "{bot}: lacks the “Edit messages of others” right in the channel. Turn it on in its admin rights.",
  s_p_not_admin_group:
    "{bot} is not an admin of the discussion group. Add it: group → “Administrators” → “Add admin”.",
  s_p_cant_invite:
    "{bot}: lacks the “Invite users via link” right — managers will not get links to the channel and group.",
  s_p_cant_ban:
    "{bot}: lacks the “Ban users” right — removed managers will stay in the channel and group.",
  // tokens
  s_ask_token_client:
    "Send me the client bot's token. @BotFather gives it: /newbot (or /token for an existing bot). I delete the message with the token at once.",
  s_ask_token_manager:
    "Send me the manager bot's token. @BotFather gives it: /newbot (or /token for an existing bot). I delete the message with the token at once.",
  s_token_checking: "Token received, the message with it is deleted. Checking…",
  s_token_bad_format:
    "This does not look like a bot token (it looks like 123456789:AA…). Copy it from @BotFather in full.",
  s_token_rejected:
    "Telegram rejects this token: it is wrong or revoked. Get the current one from @BotFather (/token).",
  s_token_unreachable: "Could not reach Telegram, please try again.",
  s_token_which: "Which bot is this token for? Press a button and send the token again.",
  s_token_settings_bot:
    "{username} is this settings bot. Clients and managers need bots of their own: create them with @BotFather and send their tokens.",
  s_token_other_bot:
    "{username} is already used as the other bot of the helpdesk. Clients and managers need two different bots.",
  s_token_saved: "{bot} {username} is connected: {state}.",
  s_token_same: "{username} already uses this token: nothing changed.",
  s_token_rotated:
    "The new token of the {bot} {username} is saved and the bot restarted ({state}). Nothing was lost.",
  s_migration_client:
    "This is a different bot: {username} instead of {old}. If you switch, clients must write to the new bot (/start) — old conversations stay in {old}. Switch?",
  s_migration_manager:
    "This is a different bot: {username} instead of {old}. If you switch, the buttons under old channel posts stop working, and the new bot must be made an admin of the channel and the group. Switch?",
  s_migration_not_ready:
    "The helpdesk is open, and {username} is not ready to take over: nothing was changed. Fix this, then send the token again:",
  s_migration_expired: "The time to confirm has passed. Send the token again.",
  // channel
  s_ask_channel:
    "To choose the channel: add the manager bot to a private channel as an admin — I will offer it at once. Or forward any post from the channel here, or send its @name or id.",
  s_channel_offers: "Channels where the manager bot is an admin:",
  s_channel_offer: "The manager bot was added to the channel “{title}”. Use it for tickets?",
  s_channel_bad_input:
    "I could not tell which channel this is. Forward a post from it, or send its @name or id.",
  s_channel_no_manager_bot: "Connect the manager bot first: the channel is checked through it.",
  s_channel_not_found:
    "The manager bot cannot see this channel. Add it to the channel as an admin and try again.",
  s_channel_not_channel: "This is not a channel. A channel with a discussion group is needed.",
  s_channel_no_group_live:
    "This channel has no discussion group, and the helpdesk is open: switching to it would leave new tickets without a thread. Link a discussion group to it first (channel settings → Discussion), then choose it again.",
  s_channel_confirm_switch:
    "The helpdesk is open and uses another channel now. Move it to “{title}”? New tickets will be posted there; open tickets keep their threads in the current channel and group. Nothing changes until you confirm.",
  s_channel_doctor_failed:
    "The helpdesk is open, and “{title}” is not ready for it yet: nothing was changed. Fix this in the new channel and its group, then choose it again:",
  s_btn_switch_channel: "Move to this channel",
  s_channel_chosen: "Channel “{title}” chosen.",
  s_channel_is_desk:
    "This channel (or its group) is a further desk. Remove that desk in “Desks” first, or choose another channel.",
  // open, bots
  s_open_refused: "The helpdesk cannot be opened yet: fix what is listed below first.",
  s_opened:
    "🎉 The helpdesk is open! Clients write to the bot: {link}\nShare the link or the QR code below.",
  s_closed:
    "The helpdesk is closed: clients will be told support is not working yet. Reopen it from the menu.",
  s_bots_title: "The helpdesk's bots:",
  // managers
  s_managers_title: "Managers (open tickets in brackets):",
  s_managers_none: "Nobody yet.",
  s_manager_line: "• {name} {username} (id {id}) — {open}",
  s_invite_link:
    "A one-time link for a new manager (valid for a day):\n{link}\nSend it to the person: they open the manager bot and get links to the channel and the group.",
  s_invite_no_bot: "Connect the manager bot first.",
  s_ask_manager: "Forward any message of the future manager here, or send their numeric id.",
  s_person_hidden:
    "This person hides their account in forwards. Send their numeric id, or send them an invite link.",
  s_person_bad_input:
    "I could not tell who this is. Forward a message of theirs or send a numeric id.",
  s_manager_added: "{name} is now a manager.",
  s_manager_links_for_admin:
    "Could not write to them through the manager bot (they have not started it yet). Pass the links on yourself:\nchannel: {channel}\ngroup: {group}",
  s_manager_rm_confirm:
    "Remove the manager {name}? They lose their rights at once and are removed from the channel and the group.",
  s_manager_removed: "{name} is no longer a manager.",
  s_manager_admin_steps_channel:
    "⚠️ {name} is an administrator of the channel, and Telegram lets a bot dismiss only the admins it appointed. In the channel: its name → Administrators → {name} → Dismiss admin; then Subscribers → {name} → Remove from channel.",
  s_manager_admin_steps_group:
    "⚠️ {name} is an administrator of the discussion group, and Telegram lets a bot dismiss only the admins it appointed. In the group: its name → Administrators → {name} → Dismiss admin; then Members → {name} → Remove from group.",
  s_manager_owner_channel: "⚠️ {name} owns the channel: nobody can remove a chat's owner.",
  s_manager_owner_group: "⚠️ {name} owns the discussion group: nobody can remove a chat's owner.",
  s_manager_not_removed_chats:
    "⚠️ Could not remove them from the channel or the group: give the manager bot the “Ban users” right or remove them by hand.",
  s_manager_open_tickets:
    "Their {count} open {count|ticket is|tickets are} back with the whole team. You may hand them to others now:",
  s_manager_joined: "{name} accepted the invitation and is now a manager.",
  s_mgr_joined: "Welcome to the support team! Join the tickets channel and group:",
  s_mgr_link_channel: "Channel: {link}",
  s_mgr_link_group: "Group: {link}",
  s_mgr_invite_invalid:
    "The invitation is not valid: it was used already or has expired. Ask for a new one.",
  // admins
  s_admins_title: "Admins:",
  s_admin_env_line: "• {id} (from the server settings, cannot be removed here)",
  s_admin_line: "• {id}",
  s_ask_admin: "Forward any message of the new admin here, or send their numeric id.",
  s_admin_added: "{id} is now an admin.",
  s_admin_removed: "{id} is no longer an admin.",
  s_admin_last: "The last admin cannot be removed.",
  s_admin_env_fixed: "This admin is set in the server settings (ADMIN_IDS).",
  // working time
  s_hours_view:
    "Working time\nTime zone: {tz}\nHours: {week}\nHolidays: {holidays}\nReaction target: {react}\nClose target: {close}\nWarn at: {warn} of the target",
  s_ask_tz: "Send the time zone, e.g. Europe/Moscow or UTC+3.",
  s_ask_week:
    "Send the working hours, e.g.: mon-fri 09:00-18:00; sat 10:00-14:00. Around the clock: 24/7.",
  s_ask_hol:
    "Send holiday dates: 2026-12-31 or 31.12.2026, several separated by spaces. To remove a date, put a minus: -2026-12-31.",
  s_ask_react: "Send the target reaction time, e.g. 15m, 1h or 1h30m.",
  s_ask_closet: "Send the target close time, e.g. 8h, 1d or 2d.",
  s_ask_warn: "At what share of the target should we warn? E.g. 80%.",
  s_err_empty: "Empty message. Send a value.",
  s_err_bad_format: "I did not understand the format. See the example above and try again.",
  s_err_missing_unit: "Add a unit: m (minutes), h (hours), d (days), e.g. 15m.",
  s_err_out_of_range: "The value is out of the allowed range.",
  s_err_unknown_time_zone: "Unknown time zone. Example: Europe/Moscow or UTC+3.",
  s_err_bad_time: "Wrong time: hours 0–23, minutes 0–59.",
  s_err_end_before_start: "The end of the working time must be after its start.",
  s_err_overlap: "The intervals of one day overlap.",
  s_err_bad_day: "I did not understand the weekday. Write mon, tue, wed, thu, fri, sat, sun.",
  s_err_no_working_hours: "There is not a single working hour. Give at least one day.",
  s_err_bad_date: "There is no such date. Example: 2026-12-31.",
  // topics
  s_topics_title: "Topics clients choose from:",
  s_topics_many:
    "Press a topic to rename it, name it in other languages, give it ready answers, move it up or remove it.",
  s_topic_one: "Topic {line}",
  s_topics_none: "No topics: clients type the topic themselves.",
  s_ask_topic: "Send the name of the new topic.",
  s_ask_topic_rename: "Send the new name for the topic “{topic}”.",
  s_ask_topic_lang:
    "Send the names of “{topic}” for clients by the language of their Telegram, one per line:\nen: Payment\nru: Оплата\nA “-” instead of a name removes it (clients then see “{topic}”).",
  s_topic_lang_bad:
    "One line per language, like “en: Payment” or “ru: Оплата”, each name up to {max} characters.",
  s_topic_bad: "A topic name has 1 to {max} characters.",
  s_topic_exists: "This topic already exists.",
  s_topic_too_many: "There can be at most {max} topics.",
  // texts
  s_texts_title: "Texts for clients:",
  s_text_greeting: "Greeting ({lang})",
  s_text_off_hours: "Off-hours reply ({lang})",
  s_text_builtin: "— built-in",
  s_ask_text: "Send the new text in one message.",
  s_text_bad: "The text must have 1 to {max} characters.",
  // tickets
  s_ask_ticket: "Send the ticket number.",
  s_ticket_bad_input: "Send the ticket number in digits, e.g. 42.",
  s_ticket_not_found: "Ticket #{number} not found.",
  s_ticket_view:
    "Ticket #{number}\nStatus: {status}\nTopic: {topic}\nClient: {client}\nManager: {manager}\nCreated: {created}",
  s_transfer_to: "Who should get ticket #{number}? (open tickets in brackets)",
  s_transferred: "Ticket #{number} transferred.",
  // clients and privacy
  s_ask_client: "Send the client's id or @username.",
  s_client_not_found: "Client not found.",
  s_client_view: "Client: {name} {username} (id {id})\nTickets: {tickets}",
  s_export_caption: "Everything stored about client {id}.",
  s_delete_confirm:
    "Delete everything about client {id}: profile, tickets and their messages? This cannot be undone.",
  s_deleted: "Client {id}'s data deleted ({count} {count|ticket|tickets}).",
  s_deleted_tg: "Deleted in the channel and the group: {n} {n|message|messages}.",
  s_deleted_kept_head:
    "⚠️ Telegram kept some messages about this client; delete them by hand (as an admin of the chats you can):",
  s_deleted_kept_too_old:
    "• #{ticket}: {count} {count|message|messages} older than 48 hours (bots may not delete them) {link}",
  s_deleted_kept_no_right:
    "• #{ticket}: {count} {count|message|messages} — the manager bot lacks the “Delete messages” right {link}",
  s_deleted_kept_no_bot:
    "• #{ticket}: {count} {count|message|messages} — the bot that could delete them is not set up {link}",
  s_deleted_kept_failed:
    "• #{ticket}: {count} {count|message|messages} — Telegram could not be reached {link}",
  // the bots' interfaces (commands, names, descriptions)
  s_cmd_start: "Start",
  s_cmd_new: "New request",
  s_cmd_tickets: "My requests",
  s_cmd_help: "Help",
  s_cmd_mgr_start: "Start",
  s_cmd_mgr_my: "My tickets",
  s_cmd_mgr_all: "All open tickets",
  s_cmd_mgr_unassigned: "Nobody's tickets",
  s_cmd_mgr_late: "Overdue tickets",
  s_cmd_mgr_ticket: "A ticket's card: /ticket 12",
  s_cmd_mgr_take: "Take a ticket: /take 12",
  s_cmd_mgr_close: "Close a ticket: /close 12",
  s_cmd_mgr_reopen: "Reopen a ticket: /reopen 12",
  s_cmd_mgr_transfer: "Hand over: /transfer 12 @username",
  s_cmd_mgr_history: "A ticket's history: /history 12",
  s_cmd_mgr_clients: "Clients",
  s_cmd_mgr_find: "Find a client: /find name",
  s_cmd_mgr_canned: "Canned answers",
  s_cmd_mgr_reply: "Send a canned answer: /reply 12 name",
  s_cmd_mgr_settings: "Notifications",
  s_cmd_mgr_help: "Help",
  s_cmd_set_menu: "Settings menu",
  s_cmd_set_status: "Status and check-up",
  s_cmd_set_open: "Open the helpdesk",
  s_cmd_set_cancel: "Cancel the input",
  s_cmd_th_take: "Take the ticket",
  s_cmd_th_close: "Close the ticket",
  s_cmd_th_reopen: "Reopen the ticket",
  s_cmd_th_transfer: "Hand over: /transfer @username",
  s_cmd_th_block: "Block the client: /block reason",
  s_cmd_th_unblock: "Unblock the client",
  s_cmd_th_delete: "Delete for the client (in reply to a message)",
  s_cmd_th_canned: "Send a canned answer: /canned name",
  s_iface_client_name: "{name}",
  s_iface_manager_name: "{name}",
  s_iface_client_desc:
    "Customer support. Describe your question — every request gets a number, and the answer comes here.",
  s_iface_client_short: "Customer support: ask a question and get the answer here.",
  s_iface_manager_desc: "The support team's bot: tickets, notifications, history.",
  s_iface_manager_short: "The support team's bot.",
  s_btn_reports: "📊 Reports",
  s_rep_menu: "Excel report for a period. Schedule: {schedule}.",
  s_rep_this_week: "This week",
  s_rep_last_week: "Last week",
  s_rep_this_month: "This month",
  s_rep_last_month: "Last month",
  s_rep_custom: "📅 Custom dates",
  s_rep_sched_off: "off",
  s_rep_sched_daily: "daily",
  s_rep_sched_weekly: "weekly",
  s_rep_sched_monthly: "monthly",
  s_rep_ask_dates:
    "Send the first and last day of the period (inclusive), e.g.: 2026-11-01 2026-11-30",
  s_rep_bad_dates:
    "I could not read the dates. Format: 2026-11-01 2026-11-30 (start not after end).",
  s_rep_building: "Building the report…",
  s_rep_caption:
    "Tickets: {tickets}\nFirst reply (median, working time): {firstReply}\nReplied within target: {share}\nCSAT (4–5★): {csat}\nStill open at the end: {backlog}\nSLA breaches: {breaches}\nBusiest hour (client messages): {busiest}",
  s_rep_vs: "{now} (previous period: {before})",
  s_rep_chart:
    "Top: tickets per day (blue) and the median first reply per day (orange; the number at the right is the longest, h:mm). Bottom: each manager's median first reply, green within the target, red over it; the line is the target.",
  s_rep_chart_vs:
    "Top: tickets per day (blue) and the median first reply per day (orange; the number at the right is the longest, h:mm), each after the same day of the previous period (pale). Bottom: each manager's median first reply, green within the target, red over it, after the previous period's (grey); the line is the target.",
  s_rep_scheduled: "📊 Scheduled report",
  s_and_more: "… and {n} more",
  s_stop_confirm_client:
    "Stop the client bot? Customers will get no answer at all: their messages wait at Telegram (kept up to 24 hours) and are handled when you restart it. Tickets and the team are not affected.",
  s_stop_confirm_manager:
    "Stop the manager bot? Managers lose the desk and its notifications, and the post buttons stop working; answers in the threads still reach customers.",
  s_btn_stop_yes: "⏹ Yes, stop it",
  s_doctor_bots_down:
    "The setup is right, but stopped: {bots}. It answers nobody until you restart it (Bots).",
  s_btn_change_channel: "📢 Change the channel",
  s_team_prefs_view:
    "Close quiet tickets after: {quiet} {quiet|day|days} waiting on the client\nLow rating alerts: {lowr}★ and below\nTeam language (posts, thread notices): {tlang}",
  s_off: "off",
  s_btn_set_quiet: "💤 Quiet days",
  s_btn_set_lowr: "★ Low rating",
  s_btn_set_tlang: "🌐 Team language",
  s_ask_quiet:
    "Send the days a ticket waiting on the client stays open before it is closed by itself (0–90; 0 = never).",
  s_ask_lowr: "Send the rating at or below which the team and the admins are alerted (1–4).",
  s_ask_tlang: "Send the team's language: ru or en.",
  s_err_quiet_days: "A whole number of days from 0 to 90, e.g. 7.",
  s_err_low_rating: "A number from 1 to 4, e.g. 2.",
  s_err_team_lang: "ru or en.",
  // team workflows (assignment, priority, waiting, search, merge, ready answers)
  s_cmd_mgr_away: "I am away (no new tickets)",
  s_cmd_mgr_back: "I am back",
  s_btn_assign: "🎯 Assignment",
  s_assign_title: "Assignment of new tickets: {mode}",
  s_assign_mode_off: "Off",
  s_assign_mode_round_robin: "Round-robin",
  s_assign_mode_least_open: "Least open tickets",
  s_assign_mode_topic: "By topic",
  s_assign_desc_off: "Nobody is assigned: the first manager to reply takes the ticket.",
  s_assign_desc_round_robin: "Each new ticket goes to the next available manager in turn.",
  s_assign_desc_least_open:
    "Each new ticket goes to the available manager with the fewest open tickets.",
  s_assign_desc_topic:
    "Each new ticket goes to the next available manager of its topic's group; a topic without a group stays with the whole team.",
  s_assign_groups_head: "Groups by topic (managers marked away get no new tickets):",
  s_assign_no_topics: "No topics yet: add them in Topics.",
  s_assign_group_none: "no group",
  s_assign_away: "away",
  s_btn_assign_group: "👥 {n}. {topic}",
  s_ask_assign_group:
    "Managers of the topic «{topic}»: @usernames or Telegram ids separated by spaces, e.g. @maria @ivan. Send - to clear the group.",
  s_err_group_format:
    "Could not read that: @usernames or Telegram ids separated by spaces (at most 50), or - to clear.",
  s_err_group_unknown: "{who} is not a manager of the helpdesk. Add them in Managers first.",
  s_cmd_mgr_priority: "Priority of a ticket",
  s_cmd_th_priority: "Priority: urgent, high, normal",
  s_prio_targets_high: "High priority: {targets}",
  s_prio_targets_urgent: "Urgent: {targets}",
  s_prio_targets_own: "reaction {react}, close {close}",
  s_prio_targets_general: "the general targets",
  s_btn_set_ph: "🟠 High targets",
  s_btn_set_pu: "🔴 Urgent targets",
  s_ask_ph:
    "Send the reaction and the close target of high-priority tickets, e.g. 10m 4h. Send - to use the general targets.",
  s_ask_pu:
    "Send the reaction and the close target of urgent tickets, e.g. 5m 2h. Send - to use the general targets.",
  s_err_prio_targets:
    "Two durations separated by a space: the reaction, then the close target, e.g. 5m 2h.",
  s_cmd_mgr_hold: "Put a ticket on hold, with a reason",
  s_cmd_mgr_unhold: "Take a ticket off hold",
  s_cmd_mgr_waiting: "Tickets waiting for the team",
  s_cmd_mgr_answered: "Tickets waiting for the customer",
  s_cmd_mgr_onhold: "Tickets on hold",
  s_cmd_th_hold: "On hold, with a reason",
  s_cmd_th_unhold: "Off hold",
  s_cmd_mgr_search: "Search messages of all tickets",
  s_cmd_mgr_merge: "Merge a duplicate ticket into another",
  s_cmd_th_merge: "Merge this ticket into another: /merge 12",
  s_topic_has_faq: "❓ ready answers",
  s_ask_topic_faq:
    "Ready answers of the topic «{topic}»: a short FAQ shown to customers who pick it, with “This solved it” and “I still need help”. Send the text (at most {max} characters), or - to remove them. A version for customers whose Telegram speaks English or Russian: start with en: or ru: (en: - removes it); the others get the text without a language.\n\nNow: {now}",
  s_topic_faq_bad: "Send a text of at most {max} characters, or - to remove the ready answers.",
  s_rep_faq_solved: "Solved by ready answers, no ticket: {n} ({topics})",
  s_cmd_mgr_tag: "Tag a ticket: /tag 12 billing",
  s_cmd_mgr_untag: "Remove tags: /untag 12 billing",
  s_cmd_th_tag: "Tag this ticket: /tag billing",
  s_cmd_th_untag: "Remove tags: /untag billing",
  s_cmd_mgr_clientnote: "Note on a customer: /clientnote 12 text",
  s_cmd_th_clientnote: "Note on the customer (managers only)",
  s_cmd_mgr_hours: "My working hours: /hours mon-fri 09:00-18:00",
};
