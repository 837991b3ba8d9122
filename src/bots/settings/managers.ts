/**
 * The team in the settings bot: list with open ticket counts, invite link, add by a
 * forwarded message or an id, remove (with the open tickets offered for reassignment).
 *
 * @module
 */
import { fitLines } from "../../services/text_fit.ts";
import { Composer, InlineKeyboard } from "grammy";
import type { Message } from "grammy/types";
import { langOf } from "../../i18n/mod.ts";
import {
  addManagerByAdmin,
  inviteLink,
  managerApi,
  managersWithLoad,
  type Person,
  removeManager,
} from "../../services/setup/managers.ts";
import { personName } from "../../services/post.ts";
import { getManager } from "../../storage/people.ts";
import { btn, intArg } from "../../services/callback_data.ts";
import type { SCtx } from "./context.ts";
import type { SettingsBotDeps } from "./deps.ts";
import { deskLinkLines, joinText } from "./in_manager_bot.ts";
import { ask, backRow, done, onButton, onInput, say } from "./ui.ts";

/** A person named by a forwarded message or a numeric id; null when it names nobody. */
export async function personOf(
  deps: SettingsBotDeps,
  m: Message,
): Promise<Person | "hidden" | null> {
  const o = m.forward_origin;
  if (o?.type === "hidden_user") return "hidden";
  if (o?.type === "user") {
    const u = o.sender_user;
    if (u.is_bot) return null;
    return {
      id: u.id,
      name: [u.first_name, u.last_name].filter(Boolean).join(" "),
      ...(u.username ? { username: u.username } : {}),
      lang: langOf(u.language_code),
    };
  }
  const text = m.text?.trim() ?? "";
  if (!/^\d{1,15}$/.test(text)) return null;
  const id = Number(text);
  // the manager bot can name people who have started it; others stay a number until then
  const api = await managerApi(deps);
  const chat = await api?.getChat(id).catch(() => null);
  if (chat?.type === "private") {
    return {
      id,
      name: [chat.first_name, chat.last_name].filter(Boolean).join(" "),
      ...(chat.username ? { username: chat.username } : {}),
      lang: "ru",
    };
  }
  return { id, name: String(id), lang: "ru" };
}

/** Remove buttons shown at most (Telegram refuses a keyboard of hundreds of buttons). */
const MANAGER_BUTTONS = 30;

async function showManagers(deps: SettingsBotDeps, ctx: SCtx): Promise<void> {
  const list = await managersWithLoad(deps);
  const lines = [ctx.tr("s_managers_title")];
  const kb = new InlineKeyboard();
  if (!list.length) lines.push(ctx.tr("s_managers_none"));
  const rows = list.map(({ manager: m, open }) =>
    ctx.tr("s_manager_line", {
      name: personName(m),
      username: m.username ? `@${m.username}` : "",
      id: m.id,
      open,
    })
  );
  // a button per manager up to a screenful; the rest are named in the text's tail
  for (const { manager: m } of list.slice(0, MANAGER_BUTTONS)) {
    kb.text(ctx.tr("s_btn_remove_named", { name: personName(m) }), btn("mgr_rm", m.id)).row();
  }
  kb.text(ctx.tr("s_btn_invite"), btn("invite")).text(ctx.tr("s_btn_add_manager"), btn("mgr_add"));
  const text = fitLines([...lines, ...rows], (n) => ctx.tr("s_and_more", { n }));
  await say(ctx, text, backRow(ctx, kb));
}

/** The managers section. */
export function managers(deps: SettingsBotDeps): Composer<SCtx> {
  const c = new Composer<SCtx>();
  onButton(c, ["managers"], (ctx) => showManagers(deps, ctx));
  onButton(c, ["invite"], async (ctx) => {
    const inv = await inviteLink(deps, ctx.adminId);
    await say(ctx, inv ? ctx.tr("s_invite_link", { link: inv.link }) : ctx.tr("s_invite_no_bot"));
  });
  onButton(
    c,
    ["mgr_add"],
    (ctx) => ask(ctx, deps.kv, { kind: "manager" }, ctx.tr("s_ask_manager")),
  );
  onInput(c, "manager", async (ctx, m) => {
    const p = await personOf(deps, m);
    if (p === "hidden") return void await ctx.reply(ctx.tr("s_person_hidden"));
    if (!p) return void await ctx.reply(ctx.tr("s_person_bad_input"));
    await done(ctx, deps.kv);
    const r = await addManagerByAdmin(deps, ctx.adminId, p, (links) => joinText(p.lang, links));
    await ctx.reply(ctx.tr("s_manager_added", { name: personName(r.manager) }));
    if (!r.delivered) {
      await ctx.reply(
        [
          ctx.tr("s_manager_links_for_admin", {
            channel: r.links.channel ?? "—",
            group: r.links.group ?? "—",
          }),
          ...deskLinkLines(ctx.lang, r.links),
        ].join("\n"),
      );
    }
    await showManagers(deps, ctx);
  });
  onButton(c, ["mgr_rm"], async (ctx, [a]) => {
    const id = intArg(a);
    const m = id === null ? null : await getManager(deps.kv, id);
    if (!m?.active) return void await ctx.answerCallbackQuery({ text: ctx.tr("s_stale_button") });
    await say(
      ctx,
      ctx.tr("s_manager_rm_confirm", { name: personName(m) }),
      new InlineKeyboard().text(ctx.tr("s_btn_yes_remove"), btn("mgr_rm_ok", m.id)).text(
        ctx.tr("s_btn_cancel"),
        btn("managers"),
      ),
    );
  });
  onButton(c, ["mgr_rm_ok"], async (ctx, [a]) => {
    const id = intArg(a);
    const r = id === null ? null : await removeManager(deps, id, ctx.adminId);
    if (!r) return void await ctx.answerCallbackQuery({ text: ctx.tr("s_stale_button") });
    const lines = [ctx.tr("s_manager_removed", { name: personName(r.manager) })];
    const name = personName(r.manager);
    for (const c of r.chats) {
      if (c.outcome === "admin") lines.push(ctx.tr(`s_manager_admin_steps_${c.chat}`, { name }));
      if (c.outcome === "owner") lines.push(ctx.tr(`s_manager_owner_${c.chat}`, { name }));
    }
    if (r.chats.some((c) => c.outcome === "failed")) {
      lines.push(ctx.tr("s_manager_not_removed_chats"));
    }
    const kb = new InlineKeyboard();
    if (r.openTickets.length) {
      lines.push(ctx.tr("s_manager_open_tickets", { count: r.openTickets.length }));
      for (const t of r.openTickets.slice(0, 30)) {
        kb.text(ctx.tr("s_btn_transfer_n", { number: t.number }), btn("tk_tr", t.number)).row();
      }
    }
    await say(ctx, lines.join("\n"), backRow(ctx, kb));
  });
  return c;
}
