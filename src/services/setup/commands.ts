/**
 * The command menus Telegram shows for each bot, per scope and language: customers' private
 * chats with the client bot, managers' with the manager bot, admins' with the settings bot,
 * and the thread commands for the discussion group's administrators (registered by the client
 * bot: it is the one that reads the thread). Set at start-up and on opening.
 *
 * @module
 */
import type { Api } from "grammy";
import type { BotCommandScope } from "grammy/types";
import { type Lang, t, type TextKey } from "../../i18n/mod.ts";

const LANGS: readonly Lang[] = ["ru", "en"];

/** Which bot a menu is for. */
export type MenuBot = "client" | "manager" | "settings";

type Menu = Array<[command: string, description: TextKey]>;

/** Private-chat menus, in the order Telegram shows them. */
export const PRIVATE_MENUS: Record<MenuBot, Menu> = {
  client: [
    ["start", "s_cmd_start"],
    ["new", "s_cmd_new"],
    ["tickets", "s_cmd_tickets"],
    ["help", "s_cmd_help"],
  ],
  manager: [
    ["my", "s_cmd_mgr_my"],
    ["all", "s_cmd_mgr_all"],
    ["unassigned", "s_cmd_mgr_unassigned"],
    ["late", "s_cmd_mgr_late"],
    ["ticket", "s_cmd_mgr_ticket"],
    ["take", "s_cmd_mgr_take"],
    ["close", "s_cmd_mgr_close"],
    ["reopen", "s_cmd_mgr_reopen"],
    ["transfer", "s_cmd_mgr_transfer"],
    ["priority", "s_cmd_mgr_priority"],
    ["merge", "s_cmd_mgr_merge"],
    ["tag", "s_cmd_mgr_tag"],
    ["untag", "s_cmd_mgr_untag"],
    ["clientnote", "s_cmd_mgr_clientnote"],
    ["hold", "s_cmd_mgr_hold"],
    ["unhold", "s_cmd_mgr_unhold"],
    ["waiting", "s_cmd_mgr_waiting"],
    ["answered", "s_cmd_mgr_answered"],
    ["onhold", "s_cmd_mgr_onhold"],
    ["history", "s_cmd_mgr_history"],
    ["clients", "s_cmd_mgr_clients"],
    ["find", "s_cmd_mgr_find"],
    ["search", "s_cmd_mgr_search"],
    ["canned", "s_cmd_mgr_canned"],
    ["reply", "s_cmd_mgr_reply"],
    ["settings", "s_cmd_mgr_settings"],
    ["away", "s_cmd_mgr_away"],
    ["back", "s_cmd_mgr_back"],
    ["hours", "s_cmd_mgr_hours"],
    ["help", "s_cmd_mgr_help"],
    ["start", "s_cmd_mgr_start"],
  ],
  settings: [
    ["start", "s_cmd_start"],
    ["menu", "s_cmd_set_menu"],
    ["status", "s_cmd_set_status"],
    ["open", "s_cmd_set_open"],
    ["cancel", "s_cmd_set_cancel"],
  ],
};

/** Commands typed in a ticket's thread (see bots/client/managers_group.ts). */
export const THREAD_MENU: Menu = [
  ["take", "s_cmd_th_take"],
  ["close", "s_cmd_th_close"],
  ["reopen", "s_cmd_th_reopen"],
  ["transfer", "s_cmd_th_transfer"],
  ["canned", "s_cmd_th_canned"],
  ["priority", "s_cmd_th_priority"],
  ["merge", "s_cmd_th_merge"],
  ["tag", "s_cmd_th_tag"],
  ["untag", "s_cmd_th_untag"],
  ["clientnote", "s_cmd_th_clientnote"],
  ["hold", "s_cmd_th_hold"],
  ["unhold", "s_cmd_th_unhold"],
  ["block", "s_cmd_th_block"],
  ["unblock", "s_cmd_th_unblock"],
  ["delete", "s_cmd_th_delete"],
];

/**
 * Sets `bot`'s menus: for every language we speak and, without a language, in `fallback`
 * (whom Telegram shows it to: people whose app speaks something else). The client bot also
 * gets the thread menu for the administrators of `groupId` (the managers are its admins only
 * if made so; members still can type the commands), and of every further desk's group in
 * `desks`. Throws on the first refusal.
 */
export async function setCommandMenus(
  api: Api,
  bot: MenuBot,
  opts: { fallback: Lang; groupId: number | null; desks?: readonly number[] },
): Promise<void> {
  const lists: Array<[BotCommandScope, Menu]> = [[
    { type: "all_private_chats" },
    PRIVATE_MENUS[bot],
  ]];
  if (bot === "client" && opts.groupId !== null) {
    lists.push([{ type: "chat_administrators", chat_id: opts.groupId }, THREAD_MENU]);
  }
  if (bot === "client") {
    for (const g of opts.desks ?? []) {
      lists.push([{ type: "chat_administrators", chat_id: g }, THREAD_MENU]);
    }
  }
  for (const [scope, menu] of lists) {
    const cmds = (lang: Lang) =>
      menu.map(([command, key]) => ({ command, description: t(lang, key) }));
    await api.setMyCommands(cmds(opts.fallback), { scope });
    for (const lang of LANGS) await api.setMyCommands(cmds(lang), { scope, language_code: lang });
  }
}
