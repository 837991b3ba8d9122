/**
 * The client bot's memberships: a client blocking or unblocking the bot, and the bot being
 * added to a chat that is not the managers' (it leaves at once, unless one of our admins runs
 * that chat: the helpdesk may be moving there).
 *
 * @module
 */
import { Composer, type Context } from "grammy";
import { getDraft, listHeld } from "../../storage/drafts.ts";
import { getClient } from "../../storage/people.ts";
import { getSettings } from "../../storage/settings.ts";
import { releaseClosedHold } from "../../services/closed_hold.ts";
import { askTopic } from "./menu.ts";
import type { BotDeps } from "../context.ts";
import type { CCtx } from "./context.ts";
import { ownedByOurAdmin, watchMembership } from "../settings/in_manager_bot.ts";
import { deskOfChannel, deskOfGroup } from "../../domain/settings.ts";

/**
 * A customer back after blocking the bot: messages of theirs held for a question they never got
 * (they blocked the bot before it was asked, or before the helpdesk opened again and handed on
 * what they wrote while it was closed) are asked about now, instead of waiting for them to
 * write again.
 */
async function askHeldAgain(deps: BotDeps, ctx: Context, clientId: number): Promise<void> {
  const [held, draft, client, settings] = await Promise.all([
    listHeld(deps.kv, clientId),
    getDraft(deps.kv, clientId),
    getClient(deps.kv, clientId),
    getSettings(deps.kv),
  ]);
  if (!held.length || !client || client.blocked || !settings.open) return;
  if (draft?.stage === "closed") return void await releaseClosedHold(deps, clientId);
  if (!draft) await askTopic(deps, ctx, client.lang);
}

/** Handles `my_chat_member` updates of the client bot. */
export function membership(deps: BotDeps): Composer<CCtx> {
  const c = new Composer<CCtx>();
  c.on("my_chat_member", async (ctx) => {
    const upd = ctx.myChatMember;
    const status = upd.new_chat_member.status;
    if (upd.chat.type === "private") {
      const gone = status === "kicked";
      await deps.outbox.markUnreachable(upd.chat.id, gone);
      if (!gone) await askHeldAgain(deps, ctx, upd.chat.id);
      return;
    }
    watchMembership(deps, upd.chat.id);
    if (status !== "member" && status !== "administrator") return;
    const s = await getSettings(deps.kv);
    if (deskOfGroup(s, upd.chat.id) !== null || deskOfChannel(s, upd.chat.id) !== null) return;
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
