/**
 * The client bot's memberships: a client blocking or unblocking the bot, and the bot being
 * added to a chat that is not the managers' (it leaves at once, unless one of our admins runs
 * that chat: the helpdesk may be moving there).
 *
 * @module
 */
import { Composer, type Context } from "grammy";
import { getSettings } from "../../storage/settings.ts";
import type { BotDeps } from "../context.ts";
import { ownedByOurAdmin, watchMembership } from "../settings/in_manager_bot.ts";

/** Handles `my_chat_member` updates of the client bot. */
export function membership(deps: BotDeps): Composer<Context> {
  const c = new Composer<Context>();
  c.on("my_chat_member", async (ctx) => {
    const upd = ctx.myChatMember;
    const status = upd.new_chat_member.status;
    if (upd.chat.type === "private") {
      await deps.outbox.markUnreachable(upd.chat.id, status === "kicked");
      return;
    }
    watchMembership(deps, upd.chat.id);
    if (status !== "member" && status !== "administrator") return;
    const s = await getSettings(deps.kv);
    if (upd.chat.id === s.groupId || upd.chat.id === s.channelId) return;
    // during setup the admin may add the bot before the settings know the chats: stay
    if (s.channelId === null || s.groupId === null) return;
    // moving a live helpdesk to new chats starts with adding the bots there: stay in chats
    // our admins run, leave a stranger's (who could otherwise make the bot post for them)
    if (await ownedByOurAdmin(deps, ctx, upd.chat.id)) return;
    deps.log.info("leaving a chat that is not the managers'", { chat: upd.chat.id });
    await ctx.api.leaveChat(upd.chat.id).catch((e) =>
      deps.log.warn("leaveChat failed", { err: e })
    );
  });
  return c;
}
