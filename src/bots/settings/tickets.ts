/**
 * Tickets in the settings bot: find one by number and hand it to another manager.
 *
 * @module
 */
import { Composer, InlineKeyboard } from "grammy";
import type { TextKey } from "../../i18n/mod.ts";
import { transferTicket } from "../../services/lifecycle.ts";
import { formatTime, personName } from "../../services/post.ts";
import { managersWithLoad } from "../../services/setup/managers.ts";
import { getClient, getManager } from "../../storage/people.ts";
import { getSettings } from "../../storage/settings.ts";
import { getTicket } from "../../storage/tickets.ts";
import { btn, intArg } from "../../services/callback_data.ts";
import type { SCtx } from "./context.ts";
import type { SettingsBotDeps } from "./deps.ts";
import { ask, backRow, done, onButton, onInput, say } from "./ui.ts";

async function showTicket(deps: SettingsBotDeps, ctx: SCtx, n: number): Promise<void> {
  const tk = await getTicket(deps.kv, n);
  if (!tk) return void await say(ctx, ctx.tr("s_ticket_not_found", { number: n }));
  const [client, manager, s] = await Promise.all([
    getClient(deps.kv, tk.clientId),
    tk.managerId !== null ? getManager(deps.kv, tk.managerId) : null,
    getSettings(deps.kv),
  ]);
  const text = ctx.tr("s_ticket_view", {
    number: tk.number,
    status: ctx.tr(`status_${tk.status}` as TextKey),
    topic: tk.topic,
    client: client ? `${personName(client)} (id ${client.id})` : String(tk.clientId),
    manager: manager ? personName(manager) : "—",
    created: formatTime(tk.createdAt, s.timeZone),
  });
  const kb = new InlineKeyboard();
  if (tk.status !== "closed") kb.text(ctx.tr("s_btn_transfer"), btn("tk_tr", tk.number));
  await say(ctx, text, backRow(ctx, kb));
}

/** The tickets section. */
export function tickets(deps: SettingsBotDeps): Composer<SCtx> {
  const c = new Composer<SCtx>();
  onButton(
    c,
    ["tickets", "tk_find"],
    (ctx) => ask(ctx, deps.kv, { kind: "ticket" }, ctx.tr("s_ask_ticket")),
  );
  onInput(c, "ticket", async (ctx, m) => {
    const n = /^#?\s*(\d{1,9})$/.exec((m.text ?? "").trim());
    if (!n) return void await ctx.reply(ctx.tr("s_ticket_bad_input"));
    await done(ctx, deps.kv);
    await showTicket(deps, ctx, Number(n[1]));
  });
  onButton(c, ["tk_tr"], async (ctx, [a]) => {
    const n = intArg(a);
    const tk = n === null ? null : await getTicket(deps.kv, n);
    if (!tk) return void await ctx.answerCallbackQuery({ text: ctx.tr("s_stale_button") });
    const kb = new InlineKeyboard();
    // the least loaded first, a screenful of them: a keyboard of hundreds is refused
    const targets = (await managersWithLoad(deps)).filter(({ manager: m }) => m.id !== tk.managerId)
      .sort((a, b) => a.open - b.open).slice(0, 30);
    for (const { manager: m, open } of targets) {
      kb.text(`${personName(m)} (${open})`, btn("tk_to", tk.number, m.id)).row();
    }
    await say(ctx, ctx.tr("s_transfer_to", { number: tk.number }), backRow(ctx, kb));
  });
  onButton(c, ["tk_to"], async (ctx, [a, b]) => {
    const n = intArg(a), to = intArg(b);
    if (n === null || to === null) {
      return void await ctx.answerCallbackQuery({ text: ctx.tr("s_stale_button") });
    }
    const r = await transferTicket(deps, n, { role: "admin", id: ctx.adminId }, to);
    if (!r.ok) {
      return void await say(ctx, ctx.tr(`reason_${r.reason}` as TextKey, { number: n }));
    }
    await say(ctx, ctx.tr("s_transferred", { number: n }));
    await showTicket(deps, ctx, n);
  });
  return c;
}
