/**
 * Privacy requests: find a client, export everything stored about them as a JSON document,
 * or delete it all (after a confirmation).
 *
 * @module
 */
import { fitLines } from "../../services/text_fit.ts";
import { Composer, InlineKeyboard, InputFile } from "grammy";
import { personName } from "../../services/post.ts";
import { deleteClient, exportClient } from "../../services/setup/privacy.ts";
import { getClient, listClients } from "../../storage/people.ts";
import { ticketsByClient } from "../../storage/tickets.ts";
import { btn, intArg } from "../../services/callback_data.ts";
import type { SCtx } from "./context.ts";
import type { SettingsBotDeps } from "./deps.ts";
import { ask, backRow, done, onButton, onInput, say } from "./ui.ts";

async function findClient(deps: SettingsBotDeps, text: string): Promise<number | null> {
  const t = text.trim();
  if (/^\d{1,15}$/.test(t)) return Number(t);
  const m = /^@?([A-Za-z0-9_]{3,32})$/.exec(t);
  if (!m) return null;
  const name = m[1]!.toLowerCase();
  return (await listClients(deps.kv)).find((c) => c.username?.toLowerCase() === name)?.id ?? null;
}

async function showClient(deps: SettingsBotDeps, ctx: SCtx, id: number): Promise<void> {
  const c = await getClient(deps.kv, id);
  const tickets = await ticketsByClient(deps.kv, id);
  if (!c && !tickets.length) return void await say(ctx, ctx.tr("s_client_not_found"));
  const text = ctx.tr("s_client_view", {
    name: c ? personName(c) : "—",
    username: c?.username ? `@${c.username}` : "—",
    id,
    tickets: fitLines(
      tickets.map((t) => `#${t.number}`),
      (n) => ctx.tr("s_and_more", { n }),
      1500,
      ", ",
    ) ||
      "—",
  });
  const kb = new InlineKeyboard()
    .text(ctx.tr("s_btn_export"), btn("cl_exp", id))
    .text(ctx.tr("s_btn_delete_data"), btn("cl_del", id));
  await say(ctx, text, backRow(ctx, kb));
}

/** The clients section. */
export function clients(deps: SettingsBotDeps): Composer<SCtx> {
  const c = new Composer<SCtx>();
  onButton(
    c,
    ["clients", "cl_find"],
    (ctx) => ask(ctx, deps.kv, { kind: "client" }, ctx.tr("s_ask_client")),
  );
  onInput(c, "client", async (ctx, m) => {
    const id = await findClient(deps, m.text ?? "");
    if (id === null) return void await ctx.reply(ctx.tr("s_client_not_found"));
    await done(ctx, deps.kv);
    await showClient(deps, ctx, id);
  });
  onButton(c, ["cl_exp"], async (ctx, [a]) => {
    const id = intArg(a);
    const doc = id === null ? null : await exportClient(deps, id);
    if (!doc) return void await say(ctx, ctx.tr("s_client_not_found"));
    await ctx.answerCallbackQuery();
    await ctx.replyWithDocument(new InputFile(doc, `client-${id}.json`), {
      caption: ctx.tr("s_export_caption", { id: id! }),
    });
  });
  onButton(c, ["cl_del"], async (ctx, [a]) => {
    const id = intArg(a);
    if (id === null) return void await ctx.answerCallbackQuery({ text: ctx.tr("s_stale_button") });
    await say(
      ctx,
      ctx.tr("s_delete_confirm", { id }),
      new InlineKeyboard().text(ctx.tr("s_btn_yes_delete"), btn("cl_del_ok", id)).text(
        ctx.tr("s_btn_cancel"),
        btn("menu"),
      ),
    );
  });
  onButton(c, ["cl_del_ok"], async (ctx, [a]) => {
    const id = intArg(a);
    if (id === null) return void await ctx.answerCallbackQuery({ text: ctx.tr("s_stale_button") });
    const r = await deleteClient(deps, id);
    deps.log.info("privacy deletion", { client: id, by: ctx.adminId });
    const lines = [ctx.tr("s_deleted", { id, count: r.tickets.length })];
    if (r.deleted > 0) lines.push(ctx.tr("s_deleted_tg", { n: r.deleted }));
    if (r.kept.length > 0) lines.push("", ctx.tr("s_deleted_kept_head"));
    for (const k of r.kept) {
      const p = { ticket: k.ticket, count: k.count, link: k.link ?? "" };
      lines.push(ctx.tr(`s_deleted_kept_${k.reason}`, p).trimEnd());
    }
    await say(ctx, lines.join("\n"));
  });
  return c;
}
