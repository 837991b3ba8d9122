/**
 * The settings bot's part inside the manager bot: when the manager bot is made an admin of a
 * channel, the channel is offered to the admins; a one-time invite link (`/start inv_…`)
 * makes the person a manager and gives them personal links to the channel and the group.
 * Add it to the manager bot before its own `/start`.
 *
 * @module
 */
import { Composer, type Context } from "grammy";
import { langOf, t } from "../../i18n/mod.ts";
import { acceptInvite, INVITE_PREFIX, type JoinLinks } from "../../services/setup/managers.ts";
import { emitSetupSignal } from "../../services/setup/signals.ts";
import { listAdmins } from "../../storage/people.ts";
import { getSettings } from "../../storage/settings.ts";
import { dropOffer, putOffer } from "../../storage/setup.ts";
import type { BotDeps } from "../context.ts";
import type { Lang } from "../../i18n/mod.ts";
import { deskOfChannel, deskOfGroup } from "../../domain/settings.ts";

/** The welcome a new manager gets, with their personal links to the team's chats. */
export function joinText(lang: Lang, links: JoinLinks): string {
  return [
    t(lang, "s_mgr_joined"),
    links.channel ? t(lang, "s_mgr_link_channel", { link: links.channel }) : "",
    links.group ? t(lang, "s_mgr_link_group", { link: links.group }) : "",
    ...deskLinkLines(lang, links),
  ].filter(Boolean).join("\n");
}

/** A line per further desk with the links to its channel and group. */
export function deskLinkLines(lang: Lang, links: JoinLinks): string[] {
  return (links.desks ?? []).map((d) =>
    t(lang, "s_desk_links", {
      id: d.id,
      title: d.title,
      channel: d.channel ?? "—",
      group: d.group ?? "—",
    })
  );
}

/** Whether one of the helpdesk's admins is the creator or an administrator of `chatId`. */
export async function ownedByOurAdmin(
  deps: BotDeps,
  ctx: Context,
  chatId: number,
): Promise<boolean> {
  const admins = new Set([...deps.adminIds, ...await listAdmins(deps.kv)]);
  for (const id of admins) {
    const m = await ctx.api.getChatMember(chatId, id).catch(() => null);
    if (m?.status === "creator" || m?.status === "administrator") return true;
  }
  return false;
}

/**
 * A bot's membership in the configured channel or group changed (left, kicked, demoted,
 * promoted): runs the setup watch at once, in the background.
 */
export function watchMembership(deps: BotDeps, chatId: number): void {
  void (async () => {
    const s = await getSettings(deps.kv);
    if (deskOfChannel(s, chatId) === null && deskOfGroup(s, chatId) === null) return;
    await deps.checkSetup?.();
  })().catch((e) => deps.log.warn("setup check failed", { err: e }));
}

/** Channel offers and manager invites, handled in the manager bot. */
export function setupInManagerBot(deps: BotDeps): Composer<Context> {
  const c = new Composer<Context>();
  c.on("my_chat_member", async (ctx, next) => {
    const upd = ctx.myChatMember;
    watchMembership(deps, upd.chat.id);
    if (upd.chat.type !== "channel") return await next();
    const status = upd.new_chat_member.status;
    if (status === "administrator") {
      // anyone can make the bot an admin of their own channel: only channels one of our admins
      // owns or runs are offered, never a stranger's (whose title would reach every admin)
      if (!(await ownedByOurAdmin(deps, ctx, upd.chat.id))) {
        deps.log.info("channel not offered: none of the admins runs it", { chat: upd.chat.id });
        return;
      }
      const title = upd.chat.title ?? "";
      // stored first: admins who are not reachable now see it in the channel step later
      await putOffer(deps.kv, { chatId: upd.chat.id, title, at: deps.clock.now() });
      emitSetupSignal(
        deps.kv,
        { type: "channel_offer", chatId: upd.chat.id, title },
        (e) => deps.log.warn("setup signal failed", { err: e }),
      );
    } else if (status === "left" || status === "kicked") {
      await dropOffer(deps.kv, upd.chat.id);
    }
  });
  c.chatType("private").command("start", async (ctx, next) => {
    const payload = ctx.match.trim();
    if (!payload.startsWith(INVITE_PREFIX)) return await next();
    const lang = langOf(ctx.from.language_code);
    const code = payload.slice(INVITE_PREFIX.length);
    if (!/^[A-Za-z0-9_-]{10,40}$/.test(code)) {
      return void await ctx.reply(t(lang, "s_mgr_invite_invalid"));
    }
    const name = [ctx.from.first_name, ctx.from.last_name].filter(Boolean).join(" ");
    const r = await acceptInvite(deps, ctx.api, code, {
      id: ctx.from.id,
      name,
      ...(ctx.from.username ? { username: ctx.from.username } : {}),
      lang,
    });
    if (!r.ok) return void await ctx.reply(t(lang, "s_mgr_invite_invalid"));
    await ctx.reply(joinText(lang, r.links));
  });
  return c;
}
