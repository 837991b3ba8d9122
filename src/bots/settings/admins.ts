/**
 * Admins of the settings bot: those from ADMIN_IDS (cannot be removed here) and those added
 * in the bot. The last admin cannot be removed.
 *
 * @module
 */
import { Composer, InlineKeyboard } from "grammy";
import { addAdmin, getAdmin, listAdmins } from "../../storage/people.ts";
import { removeAdmin } from "../../storage/setup.ts";
import { btn, intArg } from "../../services/callback_data.ts";
import type { SCtx } from "./context.ts";
import type { SettingsBotDeps } from "./deps.ts";
import { personOf } from "./managers.ts";
import { ask, backRow, done, onButton, onInput, say } from "./ui.ts";

async function showAdmins(deps: SettingsBotDeps, ctx: SCtx): Promise<void> {
  const lines = [ctx.tr("s_admins_title")];
  for (const id of deps.adminIds) lines.push(ctx.tr("s_admin_env_line", { id }));
  const kb = new InlineKeyboard();
  for (const id of await listAdmins(deps.kv)) {
    if (deps.adminIds.includes(id)) continue;
    // named once Telegram has shown them to one of the bots (bots/people.ts)
    const a = await getAdmin(deps.kv, id);
    const label = a?.name
      ? `${a.name}${a.username ? ` @${a.username}` : ""} (id ${id})`
      : String(id);
    lines.push(ctx.tr("s_admin_line", { id: label }));
    kb.text(ctx.tr("s_btn_remove_named", { name: a?.name ?? String(id) }), btn("adm_rm", id))
      .row();
  }
  kb.text(ctx.tr("s_btn_add_admin"), btn("adm_add"));
  await say(ctx, lines.join("\n"), backRow(ctx, kb));
}

/** The admins section. */
export function admins(deps: SettingsBotDeps): Composer<SCtx> {
  const c = new Composer<SCtx>();
  onButton(c, ["admins"], (ctx) => showAdmins(deps, ctx));
  onButton(c, ["adm_add"], (ctx) => ask(ctx, deps.kv, { kind: "admin" }, ctx.tr("s_ask_admin")));
  onInput(c, "admin", async (ctx, m) => {
    const p = await personOf(deps, m);
    if (p === "hidden") return void await ctx.reply(ctx.tr("s_person_hidden"));
    if (!p) return void await ctx.reply(ctx.tr("s_person_bad_input"));
    await done(ctx, deps.kv);
    // a bare id carries no name yet (personOf names it by the number)
    await addAdmin(
      deps.kv,
      p.id,
      ctx.adminId,
      deps.clock.now(),
      p.name === String(p.id)
        ? {}
        : { name: p.name, ...(p.username ? { username: p.username } : {}) },
    );
    deps.log.info("admin added", { admin: p.id, by: ctx.adminId });
    await ctx.reply(ctx.tr("s_admin_added", { id: p.id }));
    await showAdmins(deps, ctx);
  });
  onButton(c, ["adm_rm"], async (ctx, [a]) => {
    const id = intArg(a);
    if (id === null || deps.adminIds.includes(id)) {
      return void await ctx.answerCallbackQuery({ text: ctx.tr("s_admin_env_fixed") });
    }
    const ok = await removeAdmin(deps.kv, id, deps.adminIds);
    if (!ok) return void await ctx.answerCallbackQuery({ text: ctx.tr("s_admin_last") });
    deps.log.info("admin removed", { admin: id, by: ctx.adminId });
    await say(ctx, ctx.tr("s_admin_removed", { id }));
    await showAdmins(deps, ctx);
  });
  return c;
}
