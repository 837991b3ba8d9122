/**
 * The fast lane's answers: a manager's reply, in the private chat, to a notification that
 * carries a client's message goes to that client and into the ticket's thread, and an edit
 * of such an answer follows it there. Any other message goes on (commands were handled before; the help answers the rest).
 *
 * @module
 */
import { Composer } from "grammy";
import { deskUser } from "../../services/desk/access.ts";
import { answerInDesk } from "../../services/desk/fast_lane.ts";
import { editFromDesk } from "../../services/relay.ts";
import { getFastLaneRef } from "../../storage/desk.ts";
import type { BotDeps } from "../context.ts";
import type { DeskCtx } from "./context.ts";
import { userOf } from "./ui.ts";

/** Replies to fast-lane notifications. */
export function fastLaneReplies(deps: BotDeps): Composer<DeskCtx> {
  const c = new Composer<DeskCtx>();
  c.chatType("private").on("message", async (ctx, next) => {
    const to = ctx.message.reply_to_message;
    if (!to || ctx.message.text?.startsWith("/")) return await next();
    const ref = await getFastLaneRef(deps.kv, ctx.from.id, to.message_id);
    if (!ref) return await next();
    const text = await answerInDesk(deps, userOf(ctx), ref, {
      updateId: ctx.update.update_id,
      message: ctx.message,
    });
    if (text) await ctx.reply(text);
  });
  c.chatType("private").on("edited_message", async (ctx, next) => {
    const ref = await getFastLaneRef(deps.kv, ctx.from.id, ctx.editedMessage.message_id);
    if (!ref?.own) return await next();
    // someone no longer on the team changes nothing the client sees
    if (!(await deskUser(deps, ctx.from))) return;
    await editFromDesk(deps, ref.ticket, ref.seq, ctx.editedMessage, ctx.update.update_id);
  });
  return c;
}
