import { managerEn } from "./manager_en.ts";
import type { ru } from "./ru.ts";
import { settingsEn } from "./settings_en.ts";

/** English texts; must have exactly the keys of the Russian file. */
export const en: Record<keyof typeof ru, string> = {
  ...settingsEn,
  ...managerEn,
  // client bot
  greeting: "Hello! This is customer support. Tell us your question and we will answer here.",
  btn_new_ticket: "📝 New request",
  btn_my_tickets: "📂 My requests",
  btn_help: "❓ Help",
  help:
    "Press “New request”, choose a topic and write your question — as text, a photo, a file or a voice message. Every request gets a number. The answer comes here.\n\n/new — new request\n/tickets — my requests\n/help — help",
  choose_topic: "Choose the topic of your request:",
  type_topic: "Write the topic of your request in one line:",
  ask_question: "Topic: {topic}. Now describe your question in one or more messages.",
  ticket_created: "We have your request and will answer here as soon as we can.",
  ticket_header: "Request #{number} · {topic}",
  no_tickets: "You have no requests yet.",
  my_tickets: "Your requests (the current one is marked ▶️):",
  ticket_line: "#{number} · {topic} · {status}",
  status_open: "waiting for an answer",
  status_in_progress: "in progress",
  status_closed: "closed",
  current_switched: "Current request: #{number}. Your messages will go there.",
  btn_close: "✅ Close #{number}",
  btn_reopen: "🔄 Reopen #{number}",
  btn_make_current: "▶️ #{number}",
  ticket_closed_client: "Request #{number} is closed. Thank you!",
  ticket_closed_by_manager: "Request #{number} was closed by our specialist.",
  ticket_reopened_client: "Request #{number} is open again. Tell us what happened.",
  ticket_reopened_by_manager: "Request #{number} was reopened by our specialist.",
  rate_prompt: "Please rate the help you got with request #{number}:",
  rate_thanks: "Thank you for your rating! If you like, reply to this message with a comment.",
  rate_placeholder: "Comment on your rating",
  rate_comment_thanks: "Thank you, your comment is saved.",
  closed_ask:
    "Request #{number} is closed. Reopen it or start a new one? Your message is kept and will be sent.",
  closed_ask_new:
    "Request #{number} is closed, and its history is too long to reopen it once more. Start a new request: your message is kept and will be sent.",
  reopen_too_long:
    "Request #{number} is closed, and its history is too long to reopen it once more. Please start a new request.",
  btn_reopen_and_send: "🔄 Reopen #{number}",
  btn_new_and_send: "📝 New request",
  no_current_ticket: "To ask a question, start a request: press “New request”.",
  flood_client:
    "You are sending messages too fast: the ones after the first {limit} this minute were not passed on. Please wait a minute and send what is still needed.",
  blocked_client: "Sorry, we cannot accept your message.",
  service_closed_kept:
    "Support is closed at the moment. Your message is kept and reaches the team as soon as support opens again.",
  service_not_open:
    "Support is closed at the moment. Write your question anyway: it is kept and reaches the team as soon as support opens again.",
  ticket_number_prefix: "#{number}",
  off_hours:
    "We are out of working hours now. We have your message and will answer during working hours.",
  custom_text: "{text}",
  topic_gone: "This topic is no longer offered: here are the topics as they are now.",
  unknown_action: "This action is no longer available.",
  not_yours: "This is not your request.",
  message_too_long: "The message is too long.",
  // ticket post in the channel
  post_title: "🎫 Ticket #{number}",
  post_status: "Status: {status}",
  post_topic: "Topic: {topic}",
  post_client: "Client: {name} {username} (id {id}, language {lang})",
  post_manager: "Assigned: {manager}",
  post_unassigned: "nobody",
  post_rating: "Rating: {rating}",
  post_created: "Created: {time}",
  post_overdue: "⏰ Overdue: {what}",
  post_duplicate:
    "⚠️ A second post of this ticket (a network failure made it be sent twice). Comments here reach the client too; please answer under the main post: {link}",
  post_unreachable: "⚠️ The client blocked the bot",
  post_blocked: "⛔ Client blocked",
  sla_reaction: "reaction time",
  sla_close: "close time",
  btn_take: "🙋 Take",
  btn_post_close: "✅ Close",
  btn_post_reopen: "🔄 Reopen",
  // thread notices (managers' group)
  thread_client_flood:
    "⚠️ The client sends more than {limit} messages a minute: the rest of this minute was not accepted (they were told to wait and send again).",
  thread_not_manager: "Not sent to the client: you are not a manager of this helpdesk.",
  thread_anonymous: "Not sent: write as yourself, not on behalf of the channel or the group.",
  thread_closed:
    "Ticket #{number} is closed; the message was not delivered. Reopen it with the button under the post or with /reopen.",
  thread_client_unreachable: "⚠️ The client blocked the bot; messages cannot reach them.",
  thread_client_back: "✅ The client is reachable again; held messages are being sent.",
  thread_undeliverable: "⚠️ Could not deliver the message to the client: {reason}",
  thread_undeliverable_after:
    "⚠️ Could not deliver the message to the client: {reason} ({attempts} attempts). It is no longer retried.",
  thread_moved:
    "🔁 The helpdesk moved to a new channel: ticket #{number} continues here. The earlier conversation: {link}",
  thread_moved_nolink: "🔁 The helpdesk moved to a new channel: ticket #{number} continues here.",
  thread_desk_removed:
    "🔁 The desk of ticket #{number} was removed: it continues here, on the main desk. The earlier conversation: {link}",
  thread_desk_removed_nolink:
    "🔁 The desk of ticket #{number} was removed: it continues here, on the main desk.",
  thread_no_group_before:
    "🔁 Ticket #{number} was created while the channel had no discussion group, so it is posted again; the client's messages follow here.",
  thread_post_deleted:
    "🔁 The post of ticket #{number} was deleted in the channel, so the ticket is posted again. The earlier conversation: {link}",
  thread_not_copied: "⚠️ A message from the client could not be copied into this thread: {reason}",
  client_undelivered:
    "⚠️ Your message could not be passed on to the support team. Please send it again later.",
  admin_undeliverable:
    "⚠️ Ticket #{number}: a message could not be delivered to the managers' group: {reason}",
  thread_closed_by: "Ticket closed ({who}).",
  thread_reopened_by: "Ticket reopened ({who}).",
  thread_rated: "Client's rating: {score} {comment}",
  thread_taken: "Taken by {manager}.",
  thread_transferred: "Transferred to {manager}.",
  thread_unassigned: "{manager} left the team: the ticket is back with everyone, take it (/take).",
  admin_update_set_aside:
    "⚠️ An update of the {bot} bot (#{id}) failed every attempt and was set aside so the rest could go on: {reason}. The message it carried may need a manual look; the service keeps running.",
  admin_storage_trouble:
    "⚠️ The database refuses writes for over a minute ({reason}). Incoming messages wait at Telegram (kept for 24 hours) and nothing is lost, but nothing moves: free disk space or stop what locks the database.",
  admin_storage_ok: "✅ The database accepts writes again; waiting messages are being handled.",
  admin_setup_broken:
    "⚠️ The helpdesk's setup broke: until it is fixed, new tickets may get no thread and messages to the team wait (nothing is deleted). What to do:",
  admin_setup_whole:
    "✅ The setup is whole again (channel, discussion group, bots' rights); waiting messages are being handled. Tickets created during the break may need a look.",
  admin_low_rating: "⚠️ Low rating {score} for ticket #{number} ({topic}).",
  thread_deleted: "The message was deleted for the client.",
  thread_delete_failed: "Could not delete the message for the client.",
  thread_desk_answer: "↩️ {manager} answered from the manager bot:",
  thread_edit_failed:
    "The edit could not be shown to the client: their copy was deleted or is too old to edit.",
  who_client: "client",
  who_manager: "manager {name}",
  // manager bot
  mgr_button_elsewhere: "This button works only under the ticket's post in the channel.",
  mgr_not_manager: "This bot is for the helpdesk's managers only.",
  mgr_welcome:
    "Hello! Your tickets will be here. Answer clients in the comments of the channel's posts.",
  mgr_taken: "You took ticket #{number}.",
  mgr_closed: "Ticket #{number} is closed.",
  mgr_reopened: "Ticket #{number} is open again.",
  // transition refusals
  reason_not_owner: "This is not your request.",
  reason_not_yours:
    "Ticket #{number} is handled by another manager: only they or an admin can do this.",
  reason_not_allowed: "You may not do this.",
  reason_already_closed: "Ticket #{number} is already closed.",
  reason_not_closed: "Ticket #{number} is not closed.",
  reason_closed: "Ticket #{number} is closed.",
  reason_already_assigned: "Ticket #{number} is already taken by another manager.",
  reason_already_yours: "Ticket #{number} is already yours.",
  reason_same_manager: "Ticket #{number} is already with that manager.",
  reason_not_rated_yet_closed: "Ticket #{number} has not been closed yet.",
  reason_already_rated: "You have already rated ticket #{number}.",
  reason_bad_score: "The rating must be from 1 to 5.",
  reason_not_found: "Ticket #{number} not found.",
  // team workflows (assignment, priority, waiting, search, merge, ready answers)
  thread_assigned: "Assigned by the rule to {manager}.",
  thread_priority: "Priority: {priority}.",
  prio_normal: "normal",
  prio_high: "high",
  prio_urgent: "urgent",
  prio_mark_normal: "⚪",
  prio_mark_high: "🟠",
  prio_mark_urgent: "🔴",
  post_priority: "Priority: {priority}",
  reason_same_priority: "Ticket #{number} already has this priority.",
  thread_held:
    "On hold: {reason}. The SLA clocks are paused until the customer writes or the hold is lifted.",
  thread_resumed: "Off hold: the SLA clocks run again.",
  post_wait_team: "Waiting for: the team",
  post_wait_customer: "Waiting for: the customer",
  post_wait_hold: "On hold: {reason}",
  reason_not_on_hold: "Ticket #{number} is not on hold.",
  thread_earlier: "Earlier tickets of this customer:\n{list}",
  thread_earlier_line: "#{number} · {topic} · {status}",
  thread_earlier_more: "… and {n} more (/client in the manager bot)",
  thread_merged_into: "Merged into ticket #{other}: the conversation goes on there. {link}",
  thread_merged_from: "Ticket #{other} of the same customer was merged into this one. {link}",
  ticket_merged_client:
    "Your request #{from} is the same as #{other}: we merged them and go on in #{other}.",
  reason_merge_self: "A ticket cannot be merged into itself.",
  reason_merge_other_client: "Ticket #{number} and #{other} are not of the same customer.",
  reason_merge_target_closed: "Ticket #{other} is closed: reopen it first, or merge the other way.",
  faq_intro: "{topic}: perhaps this answers it already.\n\n{text}",
  btn_faq_ok: "✅ This solved it",
  btn_faq_more: "💬 I still need help",
  faq_solved: "Glad it helped! If anything else comes up, press “New request”.",
  thread_tags: "Tags: {tags}.",
  thread_tags_none: "No tags any more.",
  post_tags: "Tags: {tags}",
  reason_tags_unchanged: "That changes nothing in the tags of ticket #{number}.",
  reason_too_long:
    "Ticket #{number} has been reopened too many times to reopen it again: the customer's next message starts a new ticket.",
  reason_too_many_tags: "A ticket may have at most {count} tags.",
  thread_client_note: "📝 Note on the customer: {note}",
  thread_note_set: "📝 {who} updated the note on the customer: {note}",
  thread_note_cleared: "📝 {who} removed the note on the customer.",
};
