/**
 * The client bot in the managers' discussion group: learns each ticket's thread root from
 * the channel's automatic forward, relays managers' comments to clients, keeps internal
 * notes, and tells anyone whose comment is not relayed why.
 *
 * @module
 */
import { claimStrangerNotice } from "../../storage/sla.ts";
import { mayChange } from "../../domain/ticket.ts";
import { Composer } from "grammy";
import type { Message } from "grammy/types";
import { closeTicket, reopenTicket, takeTicket } from "../../services/lifecycle.ts";
import {
  deleteForClient,
  type Incoming,
  managerMessages,
  relayEdit,
} from "../../services/relay.ts";
import { postTicketNumber } from "../../services/post.ts";
import { staffRole } from "../../services/roles.ts";
import { getSettings } from "../../storage/settings.ts";
import { deskChats, deskOfGroup } from "../../domain/settings.ts";
import { getTicket, markProcessed, setThreadRoot, ticketByThread } from "../../storage/tickets.ts";
import { blockClient, unblockClient } from "../../services/clients.ts";
import { threadCommand } from "../../services/desk/thread.ts";
import type { TextKey } from "../../i18n/mod.ts";
import { recoveredAlbum } from "../album_collector.ts";
import type { BotDeps } from "../context.ts";
import type { CCtx } from "./context.ts";

const COMMAND =
  /^\/(close|reopen|take|delete|block|unblock|transfer|canned|priority|hold|unhold|merge|tag|untag|clientnote)(@\w+)?(\s|$)/;

/** How often a thread is told about one non-manager writing there. */
const STRANGER_NOTICE_MS = 3_600_000;

/** Handles the managers' discussion group. */
export function managersGroup(deps: BotDeps): Composer<CCtx> {
  const c = new Composer<CCtx>();
  const group = c.chatType("supergroup");

  group.on("message", async (ctx) => {
    const m = ctx.message as Message;
    const settings = await getSettings(deps.kv);
    // one of our desks' groups (message ids are per group: every lookup names the desk)
    const desk = deskOfGroup(settings, m.chat.id);
    if (desk === null) return;
    const origin = m.forward_origin;
    if (m.is_automatic_forward && origin?.type === "channel") {
      if (origin.chat.id !== deskChats(settings, desk).channelId) return;
      // the ticket the post names: adopts a post whose send lost its answer (no post id stored)
      const claimed = postTicketNumber(m.text ?? m.caption);
      const tk = await setThreadRoot(
        deps.kv,
        origin.message_id,
        m.message_id,
        deps.clock.now(),
        claimed,
        desk,
      );
      if (!tk) return;
      deps.outbox.kick(tk.number, "group");
      // a duplicate post: re-rendered to say so and to point to the main one
      if (tk.postId !== origin.message_id) await deps.outbox.markPost(tk.number);
      return;
    }
    const threadId = m.message_thread_id;
    if (threadId === undefined) return;
    const n = await ticketByThread(deps.kv, threadId, desk);
    if (n === null) return;
    const item: Incoming = { updateId: ctx.update.update_id, message: m };
    /** Tells the thread; `marked` when the update was already marked processed by the caller. */
    const notice = async (key: TextKey, marked = false) => {
      if (!marked && !(await markProcessed(deps.kv, "client", item.updateId, deps.clock.now()))) {
        return;
      }
      await deps.outbox.enqueue(n, [{
        lane: "group",
        action: { type: "notice", key, params: { number: n } },
      }]);
    };
    /** One notice per sender and hour: a stranger's flood must not spend the group's budget. */
    const strangerNotice = async (key: TextKey, sender: number) => {
      if (!(await markProcessed(deps.kv, "client", item.updateId, deps.clock.now()))) return;
      if (await claimStrangerNotice(deps.kv, n, sender, deps.clock.now(), STRANGER_NOTICE_MS)) {
        await notice(key, true);
      }
    };
    if (m.sender_chat) return void await strangerNotice("thread_anonymous", m.sender_chat.id);
    const from = m.from;
    const role = from ? await staffRole(deps, from.id) : null;
    if (!from || !role) return void await strangerNotice("thread_not_manager", from?.id ?? 0);
    const actor = { role, id: from.id };

    const cmd = m.text?.match(COMMAND)?.[1];
    if (cmd === "delete") {
      // marks the update processed in the same operation as the deletion job
      const target = m.reply_to_message;
      if (target && target.message_id !== threadId) {
        await deleteForClient(deps, m.chat.id, target.message_id, from.id, item.updateId);
      }
      return;
    }
    if (cmd) {
      if (!(await markProcessed(deps.kv, "client", item.updateId, deps.clock.now()))) return;
      if (
        cmd === "transfer" || cmd === "canned" || cmd === "priority" || cmd === "hold" ||
        cmd === "unhold" || cmd === "merge" || cmd === "tag" || cmd === "untag" ||
        cmd === "clientnote"
      ) {
        return void await threadCommand(deps, n, actor, cmd, m.text!.replace(COMMAND, "").trim());
      }
      if (cmd === "block" || cmd === "unblock") {
        const tk = await getTicket(deps.kv, n);
        if (!tk) return;
        if (!mayChange(actor, tk)) return void await notice("reason_not_yours", true);
        const reason = m.text?.replace(COMMAND, "").trim();
        if (cmd === "block") await blockClient(deps, tk.clientId, actor, reason || undefined);
        else await unblockClient(deps, tk.clientId);
        return;
      }
      const r = cmd === "close"
        ? await closeTicket(deps, n, actor)
        : cmd === "reopen"
        ? await reopenTicket(deps, n, actor)
        : await takeTicket(deps, n, actor);
      if (!r.ok) await notice(`reason_${r.reason}` as TextKey, true);
      return;
    }

    const note = (m.text ?? m.caption ?? "").startsWith("//");
    const relay = async (items: Incoming[]) => {
      const res = await managerMessages(deps, n, actor, items, note);
      if (res === "closed") await notice("thread_closed");
    };
    if (m.media_group_id && !note) {
      await deps.albums.flushChat(m.chat.id, m.media_group_id);
      const whole = recoveredAlbum(ctx.update);
      if (whole) return void await relay(whole);
      await deps.albums.add(item, relay);
      return;
    }
    await deps.albums.flushChat(m.chat.id);
    await relay([item]);
  });

  group.on("edited_message", async (ctx) => {
    await relayEdit(deps, ctx.editedMessage as Message, ctx.update.update_id);
  });
  return c;
}
