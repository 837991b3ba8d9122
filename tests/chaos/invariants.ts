/**
 * What the product promises, checked on a settled world after a chaos sequence. Each check
 * returns readable violations (empty when it holds).
 *
 * @module
 */
import type { MessageRecord } from "../../src/domain/records.ts";
import type { Ticket } from "../../src/domain/ticket.ts";
import { renderPost } from "../../src/services/post.ts";
import { getClient, getManager } from "../../src/storage/people.ts";
import { getSettings } from "../../src/storage/settings.ts";
import { K } from "../../src/storage/keys.ts";
import type { Settings } from "../../src/domain/settings.ts";
import { listMessages } from "../../src/storage/tickets.ts";
import { ru } from "../../src/i18n/ru.ts";
import type { RunRecord } from "./runner.ts";

/** All invariants; the violations found. */
export async function checkAll(r: RunRecord): Promise<string[]> {
  const { w } = r;
  const out: string[] = [];
  // the documented at-least-once window: a lost answer or a kill may repeat one message each
  const repeats = r.lostAnswers + w.kills();
  const tickets: Ticket[] = [];
  for await (const e of w.kv.list<Ticket>({ prefix: ["ticket"] })) tickets.push(e.value);
  const msgs = new Map<number, MessageRecord[]>();
  for (const t of tickets) msgs.set(t.number, await listMessages(w.kv, t.number));

  // ticket numbers 1..N, the counter at N
  const nums = tickets.map((t) => t.number);
  nums.forEach((n, i) => {
    if (n !== i + 1) out.push(`ticket numbers are not 1..N: ${nums.join(",")}`);
  });
  const counter = (await w.kv.get<bigint | number>(["counter", "ticket"])).value;
  if (tickets.length && Number(counter) !== tickets.length) {
    out.push(`the ticket counter is ${counter} with ${tickets.length} tickets`);
  }

  // every customer content message: one record, its copy in its ticket's thread, in order
  const threads = new Map<number, Set<number>>();
  for (const t of tickets) {
    threads.set(t.number, new Set((await w.thread(t.number)).map((m) => m.id)));
  }
  for (const s of r.fromClients) {
    const found = [...msgs.values()].flat().filter((m) =>
      m.direction === "in" && m.source.chatId === s.client && m.source.messageId === s.messageId
    );
    if (s.role !== "content") {
      if (found.length) out.push(`customer's ${s.role} (step ${s.step}) became ticket content`);
      continue;
    }
    if (found.length !== 1) {
      out.push(`customer message (step ${s.step}) is in ${found.length} ticket records, not 1`);
      continue;
    }
    const m = found[0]!;
    if (!m.copy) {
      if (m.delivery !== "failed") {
        out.push(`customer message (step ${s.step}) of #${m.ticket} never reached the thread`);
      }
      continue;
    }
    if (s.edited) {
      const copy = (await w.thread(m.ticket)).find((v) => v.id === m.copy!.messageId);
      if (copy && !(copy.text ?? "").includes(`${s.marker} edited`)) {
        out.push(`the copy of customer message (step ${s.step}) missed its edit: ${copy.text}`);
      }
    }
    if (!threads.get(m.ticket)?.has(m.copy.messageId)) {
      out.push(`the copy of customer message (step ${s.step}) is not in #${m.ticket}'s thread`);
    }
  }
  for (const [n, list] of msgs) {
    const ins = list.filter((m) => m.direction === "in" && m.copy);
    for (let i = 1; i < ins.length; i++) {
      const a = ins[i - 1]!, b = ins[i]!;
      if (a.source.messageId < b.source.messageId && a.copy!.messageId > b.copy!.messageId) {
        out.push(
          `#${n}: customer messages ${a.source.messageId} and ${b.source.messageId} ` +
            `appear out of order in the thread`,
        );
      }
    }
    // each thread copy once: no two records share a copy, no marker twice in the thread
    const view = await w.thread(n);
    const seen = new Map<string, number>();
    for (const v of view) {
      for (const mk of (v.text ?? v.caption ?? "").match(/MK\d+Z/g) ?? []) {
        seen.set(mk, (seen.get(mk) ?? 0) + 1);
      }
    }
    let extra = 0;
    for (const [mk, c] of seen) {
      if (r.fromManagers.some((x) => x.marker === mk)) continue;
      if (c > 1 + repeats) out.push(`#${n}: ${mk} appears ${c} times in the thread`);
      extra += c - 1;
    }
    // the window is per lost answer and per kill, not per message: the repeats of a thread
    // together stay within it
    if (extra > repeats) {
      out.push(`#${n}: ${extra} repeated messages in the thread, more than ${repeats} allowed`);
    }
  }

  // every manager comment: delivered once, in order — or refused (closed), or undeliverable
  const byClientChat = new Map<number, string[]>();
  for (const c of r.customers) {
    byClientChat.set(
      c.id,
      w.clientView(c.id).filter((m) => !m.outgoing).map((m) => m.text ?? m.caption ?? ""),
    );
  }
  for (const s of r.fromManagers) {
    const tk = tickets.find((t) => t.number === s.ticket)!;
    const rec = msgs.get(s.ticket)?.find((m) =>
      m.source.chatId === w.chatsOf(tk).groupId && m.source.messageId === s.messageId
    );
    const times = byClientChat.get(tk.clientId)?.filter((x) => x.includes(s.marker)).length ?? 0;
    if (s.refused) {
      // someone who is no manager: never relayed, never recorded as the ticket's
      if (times > 0) out.push(`a comment of a non-manager (step ${s.step}) reached the customer`);
      if (rec) {
        out.push(`a comment of a non-manager (step ${s.step}) was recorded as ${rec.direction}`);
      }
      continue;
    }
    if (byClientChat.get(tk.clientId)?.some((x) => x.includes(`${s.marker} hijacked`))) {
      out.push(`a removed manager's edit of their comment (step ${s.step}) reached the customer`);
    }
    if (s.note) {
      if (rec && rec.direction !== "note") {
        out.push(`a note (step ${s.step}) was recorded as ${rec.direction}`);
      }
      const leaked = byClientChat.get(tk.clientId)?.some((x) => x.includes(s.marker));
      if (leaked) out.push(`a note (step ${s.step}) reached the customer`);
      continue;
    }
    if (!rec) {
      if (!s.closed) {
        out.push(`manager comment (step ${s.step}) in open #${s.ticket} was not recorded`);
      }
      continue;
    }
    if (s.deleted) {
      // `/delete` removes the customer's copy (a repeat from a lost answer may stay)
      if (times > repeats) {
        out.push(`manager comment (step ${s.step}) was /deleted but the customer still has it`);
      }
      continue;
    }
    if (rec.delivery === "failed") {
      const c = await getClient(w.kv, tk.clientId);
      if (!c?.unreachable) {
        out.push(`manager comment (step ${s.step}) failed to a reachable customer`);
      }
      continue;
    }
    if (
      s.edited && rec.copy &&
      !byClientChat.get(tk.clientId)?.some((x) => x.includes(`${s.marker} fixed`))
    ) {
      out.push(`the edit of manager comment (step ${s.step}) did not reach the customer`);
    }
    if (times < 1 || times > 1 + repeats) {
      out.push(`manager comment (step ${s.step}) reached the customer ${times} times`);
    }
  }
  for (const c of r.customers) {
    const chat = byClientChat.get(c.id)!;
    const extra = r.fromManagers.filter((s) => !s.note && !s.refused).reduce(
      (sum, s) => sum + Math.max(0, chat.filter((x) => x.includes(s.marker)).length - 1),
      0,
    );
    if (extra > repeats) {
      out.push(`customer ${c.id} got ${extra} repeated answers, more than ${repeats} allowed`);
    }
    const order = r.fromManagers.filter((s) => !s.note).map((s) => ({
      s,
      at: chat.findIndex((x) => x.includes(s.marker)),
    })).filter((x) => x.at >= 0);
    for (let i = 1; i < order.length; i++) {
      const a = order[i - 1]!, b = order[i]!;
      if (a.s.ticket === b.s.ticket && a.at > b.at) {
        out.push(
          `#${a.s.ticket}: manager comments of steps ${a.s.step} and ${b.s.step} reached the customer out of order`,
        );
      }
    }
  }

  // a non-manager's comment in a thread is refused there: one notice per sender and ticket
  for (const t of tickets) {
    const senders = new Set(
      r.fromManagers.filter((s) => s.refused && s.ticket === t.number).map((s) => s.manager),
    );
    if (!senders.size) continue;
    const notices = (await w.thread(t.number)).filter((m) =>
      m.text?.includes(ru.thread_not_manager)
    ).length;
    if (notices < senders.size) {
      out.push(
        `#${t.number}: ${senders.size} non-manager(s) commented, the thread told ${notices}`,
      );
    }
  }

  // a removed manager keeps no open ticket: theirs went back to the team
  for (const t of tickets) {
    if (t.status === "closed" || t.managerId === null) continue;
    if (!(await getManager(w.kv, t.managerId))?.active) {
      out.push(`open #${t.number} is still assigned to inactive manager ${t.managerId}`);
    }
  }

  // each post shows its ticket's current state
  const settings = await getSettings(w.kv);
  for (const t of tickets) {
    if (!t.postId) {
      out.push(`#${t.number} has no post`);
      continue;
    }
    const client = await getClient(w.kv, t.clientId);
    const manager = t.managerId === null ? null : await getManager(w.kv, t.managerId);
    const want = renderPost({ ticket: t, client, manager, settings });
    const post = w.emu.view(w.owner.id, w.chatsOf(t).channelId).find((m) => m.id === t.postId);
    if (post?.text !== want.text) {
      out.push(`#${t.number}'s post shows\n${post?.text}\n  instead of\n${want.text}`);
    }
    if (JSON.stringify(post?.replyMarkup ?? null) !== JSON.stringify(want.markup)) {
      out.push(`#${t.number}'s post has buttons ${JSON.stringify(post?.replyMarkup)}`);
    }
  }

  // KV indexes agree with the records (a further desk's posts and threads indexed by desk)
  const idx = new Set<string>();
  const valued = ["by_post", "by_thread", "desk_post", "desk_thread"];
  for (const pre of ["by_client", "by_manager", "by_status", ...valued]) {
    for await (const e of w.kv.list({ prefix: [pre] })) {
      idx.add(JSON.stringify(e.key) + (valued.includes(pre) ? `=${e.value}` : ""));
    }
  }
  const want = new Set<string>();
  for (const t of tickets) {
    const desk = t.desk ?? 0;
    want.add(JSON.stringify(["by_client", t.clientId, t.number]));
    want.add(JSON.stringify(["by_status", t.status, t.number]));
    if (t.managerId !== null) want.add(JSON.stringify(["by_manager", t.managerId, t.number]));
    if (t.postId) want.add(JSON.stringify(K.byPost(t.postId, desk)) + `=${t.number}`);
    if (t.threadId) want.add(JSON.stringify(K.byThread(t.threadId, desk)) + `=${t.number}`);
    for (const d of t.duplicates ?? []) {
      want.add(JSON.stringify(K.byPost(d.postId, desk)) + `=${t.number}`);
      if (d.threadId) want.add(JSON.stringify(K.byThread(d.threadId, desk)) + `=${t.number}`);
    }
  }
  for (const k of want) if (!idx.has(k)) out.push(`index entry missing: ${k}`);
  for (const k of idx) if (!want.has(k)) out.push(`stray index entry: ${k}`);

  // every callback query answered
  for (const q of r.queries) {
    if (w.emu.callbackAnswer(q) === undefined) out.push(`callback query ${q} was never answered`);
  }

  // no token outside the settings, and a revoked one nowhere: the settings hold the new ones
  // and the service serves with them
  const tokens = [w.clientBot.token, w.managerBot.token, ...w.revokedTokens];
  const secret = (t: string) => t.split(":")[1]!;
  const leaks = (s: string) => tokens.some((t) => s.includes(secret(t)));
  const revoked = (s: string) => w.revokedTokens.some((t) => s.includes(secret(t)));
  for (const l of r.logs) if (leaks(l)) out.push(`a token in a log line`);
  // read past getSettings's cache of this handle, which the world's own writes filled
  const now = (await w.kv.get<Settings>(K.settings())).value!;
  if (now.clientBotToken !== w.clientBot.token) {
    out.push("the client bot's token is not the current one");
  }
  if (now.managerBotToken !== w.managerBot.token) {
    out.push("the manager bot's token is not the current one");
  }
  for (const st of (await w.app()?.supervisor.status()) ?? []) {
    if (st.state !== "running") out.push(`the ${st.kind} bot is ${st.state} at the end`);
  }
  for await (const e of w.kv.list({ prefix: [] })) {
    const top = e.key[0];
    const value = JSON.stringify(e.value, (_k, v) => typeof v === "bigint" ? String(v) : v);
    if ((top === "settings" || top === "settings_log") && revoked(value)) {
      out.push(`a revoked token in KV under ${JSON.stringify(e.key)}`);
    }
    if (top === "settings" || top === "settings_log") continue;
    if (leaks(JSON.stringify(e.value, (_k, v) => typeof v === "bigint" ? String(v) : v))) {
      out.push(`a token in KV under ${JSON.stringify(e.key)}`);
    }
  }
  const chats = r.customers.map((c) => w.clientView(c.id));
  for (const d of w.desks) {
    chats.push(w.emu.view(w.owner.id, d.channelId), w.emu.view(w.owner.id, d.groupId));
  }
  for (const v of chats.flat()) if (leaks(JSON.stringify(v))) out.push(`a token in a message`);

  // the service never ended unless killed
  for (const e of w.exits) out.push(e);
  // the emulator saw nothing Telegram would read differently; nothing set aside; no error
  for (const a of w.emu.anomalies()) out.push(`anomaly: ${a.method} ${a.kind} ${a.field}`);
  for await (const e of w.kv.list({ prefix: ["set_aside"] })) {
    out.push(`update set aside: ${JSON.stringify(e.value).slice(0, 200)}`);
  }
  for (const l of r.logs) {
    if (/"level":"error"/.test(l) && !injected(l) && !(r.rotations && rotation(l))) {
      out.push(`error logged: ${l.slice(0, 400)}`);
    }
  }
  return out;
}

/**
 * An error line of a token rotation under way: Telegram refuses the revoked token until the
 * admin gives the new one (the poller stops, a bot started meanwhile does not start).
 */
function rotation(line: string): boolean {
  return /"msg":"(bot token rejected; polling stopped|bot did not start)"/.test(line) ||
    // in webhook mode Telegram delivers the revoked bot's updates on; answering them fails
    // and Telegram redelivers them until the new token is in
    (/"msg":"(webhook update failed; Telegram will redeliver it|album)/.test(line) &&
      /\(401: Unauthorized\)/.test(line));
}

/**
 * An error line about a Telegram fault the run injected (a dropped connection, a 5xx, a 429)
 * while handling an update that is then retried (by the poller, or by Telegram redelivering a
 * webhook request, or an album's hand-on by the cron): the retry is the handling, and a final
 * failure shows as a set-aside update or as work the world never settles, both checked.
 */
function injected(line: string): boolean {
  return /"msg":"(update failed; retrying|client bot update failed|manager bot update failed|webhook update failed; Telegram will redeliver it|album)"/
    .test(line) &&
    /HttpError|Network request for|failed! \((429|5\d\d)[:)]|"error_code":(429|5\d\d)/.test(line);
}
