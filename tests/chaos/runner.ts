/**
 * Runs one chaos sequence against the real service on the emulator and collects what the
 * invariants need. The admin's steps are in `admin_steps.ts`, waiting for a settled world in
 * `settle.ts`; the customers', managers' and Telegram's steps stay here in one `runStep`
 * because each reads and writes the same run state (the model of who sent what, blocked
 * customers, stopped and rotating bots) that the final phase and the invariants use.
 *
 * The runner is the model's reactive half: before each customer message it reads the customer's dialogue state (settled after the previous step) to know what the
 * message is meant to be — a ticket's content, a typed topic, a rating comment — and before
 * each manager comment whether the ticket was open. After the last step it answers every
 * question the service left open to the customers (topic, reopen-or-new), so that each
 * content message has somewhere to go, and waits until the world settles.
 *
 * @module
 */
import type { UserContent } from "../../src/emulator/mod.ts";
import { getDraft, listHeld } from "../../src/storage/drafts.ts";
import { getTicket } from "../../src/storage/tickets.ts";
import { adminSteps } from "./admin_steps.ts";
import { CUSTOMERS } from "./arbitraries.ts";
import type { ContentKind, Step } from "./model.ts";
import { dataOf, settle, sleep } from "./settle.ts";
import { type ChaosWorld, type Mode, startChaosWorld, type WorldBot } from "./world.ts";

/** What the doctor asks Telegram with each bot's token, a stopped one's too: reads only. */
const DOCTOR_READS = new Set(["getMe", "getWebhookInfo", "getChat", "getChatMember"]);
/** A customer's message and what it was meant to be when sent. */
export interface SentByClient {
  client: number;
  messageId: number;
  role: "content" | "topic" | "rate_comment";
  marker?: string;
  step: number;
  /** edited later to `<marker> edited` */
  edited?: boolean;
}

/** A manager's comment and the ticket's state when it was sent. */
export interface SentByManager {
  manager: number;
  ticket: number;
  messageId: number;
  marker: string;
  note: boolean;
  /** the ticket was closed when the comment was written (the service refuses to relay it) */
  closed: boolean;
  step: number;
  /** edited later to `<marker> fixed` */
  edited?: boolean;
  /** `/delete`d by its manager later: the customer's copy must be gone */
  deleted?: boolean;
  /** written by someone who is no manager (removed, or a stranger): refused in the thread */
  refused?: boolean;
}

/** What a run leaves for the invariants. */
export interface RunRecord {
  w: ChaosWorld;
  customers: Array<{ id: number }>;
  fromClients: SentByClient[];
  fromManagers: SentByManager[];
  queries: string[];
  logs: string[];
  /**
   * calls whose answer was lost after Telegram executed them (drop-after faults): each may
   * repeat one message, the documented at-least-once window (nothing tells a lost answer from
   * an unexecuted call)
   */
  lostAnswers: number;
  /** the run itself broke (the world never settled): reported as violations */
  errors: string[];
  /** steps that could not run (no such button or ticket yet): skipped, not a failure */
  skipped: number;
  /** managers removed by the admin and not added back (their ids) */
  removed: Set<number>;
  /** tokens the admin revoked in @BotFather (and gave the new one to the settings bot) */
  rotations: number;
}

function content(kind: ContentKind, marker: string): { c: UserContent; marked: boolean } {
  switch (kind) {
    case "text":
      return { c: { text: `${marker} text` }, marked: true };
    case "photo":
      return { c: { photo: {}, caption: `${marker} photo` }, marked: true };
    case "video":
      return { c: { video: {}, caption: `${marker} video` }, marked: true };
    case "voice":
      return { c: { voice: {}, caption: `${marker} voice` }, marked: true };
    case "document":
      return { c: { document: { fileName: "a.pdf" }, caption: `${marker} doc` }, marked: true };
    case "sticker":
      return { c: { sticker: { emoji: "🙂" } }, marked: false };
    case "location":
      return { c: { location: { latitude: 55.75, longitude: 37.61 } }, marked: false };
    case "contact":
      return { c: { contact: { phone_number: "+100", first_name: "Bob" } }, marked: false };
    case "poll":
      return { c: { poll: { question: `${marker}?`, options: ["a", "b"] } }, marked: false };
  }
}

/** Starts a world, runs `steps`, resolves open questions, settles; the caller checks and stops. */
export async function runSequence(
  steps: Step[],
  mode: Mode = "polling",
  o: { process?: boolean; progress?: (at: string) => void } = {},
): Promise<RunRecord> {
  const logs: string[] = [];
  const w = await startChaosWorld({
    mode,
    process: o.process === true,
    topics: ["Оплата", "Доставка"],
    log: (line) => logs.push(line),
  });
  const rec: RunRecord = {
    w,
    customers: [],
    fromClients: [],
    fromManagers: [],
    queries: [],
    logs,
    skipped: 0,
    errors: [],
    lostAnswers: 0,
    removed: new Set(),
    rotations: 0,
  };
  let cur = 0;
  let faults = 0;
  const blocked: boolean[] = [];
  /** bots the admin stopped: their updates wait at Telegram */
  const stopped = new Set<WorldBot>();
  /** bots whose token was revoked, until the admin gives the new one */
  const rotating = new Map<WorldBot, number>();
  /** bots that take no update now: stopped, or their token revoked */
  const off = () => new Set([...stopped, ...rotating.keys()]);
  const adm = adminSteps({ w, rec, stopped, rotating, step: () => cur });
  try {
    await drive();
  } catch (e) {
    rec.errors.push(`step ${cur}: ${(e as Error).message}`);
  }
  return rec;

  async function drive() {
    let markers = 0;
    const mark = () => `MK${++markers}Z`;
    const bot = w.clientBot.id;
    for (let i = 0; i < CUSTOMERS; i++) {
      rec.customers.push(await w.newClient(`Cust${i}`, i % 2 ? "en" : "ru"));
    }
    const tickets = async () => {
      const out: number[] = [];
      for await (const e of w.kv.list<unknown>({ prefix: ["ticket"] })) {
        out.push(e.key[1] as number);
      }
      return out;
    };
    const ticketAt = async (slot: number) => {
      const all = await tickets();
      return all.length ? all[slot % all.length]! : null;
    };
    const press = (userId: number, chatId: number, msgId: number, data: string, forged = false) => {
      const q = w.emu.userPressButton(userId, chatId, msgId, data, { forged });
      // a press to a stopped bot (or one whose token is revoked) expires at Telegram before
      // the bot can answer it
      const by = w.desks.some((d) => d.channelId === chatId) ? w.managerBot : w.clientBot;
      if (!off().has(by)) rec.queries.push(q);
    };
    const clientSend = async (ci: number, c: UserContent, marker?: string, replyTo?: number) => {
      const id = rec.customers[ci]!.id;
      const d = await getDraft(w.kv, id);
      const role: SentByClient["role"] = d?.stage === "topic_text" && "text" in c
        ? "topic"
        : "content";
      const ref = w.emu.userSend(id, bot, c, replyTo !== undefined ? { replyTo } : {});
      rec.fromClients.push({
        client: id,
        messageId: ref.messageId,
        role,
        ...(marker ? { marker } : {}),
        step: cur,
      });
    };
    const calm = () => settle(w, off(), logs);
    for (const [i, s] of steps.entries()) {
      cur++;
      o.progress?.(`step ${cur} (${s.k})`);
      w.clock.advance(5_000);
      const ran = await runStep(s);
      if (!ran) rec.skipped++;
      // a kill next strikes while this step's work is in hand
      if (steps[i + 1]?.k !== "kill") {
        await calm();
        // the admin, back from @BotFather, gives the settings bot a new token
        if (s.k !== "rotate") await adm.tick();
      }
    }
    o.progress?.("the final phase (bots started, customers unblocked, questions answered)");
    // the admin gives the new tokens still in hand and starts the bots they stopped: what
    // waited at Telegram is handled now
    await adm.tick(true);
    for (const b of [...stopped]) {
      await adm.act("bot", b === w.clientBot ? 0 : 1);
    }
    await calm();
    // the customers unblock the bot: what waited for them must arrive now
    for (const [ci, cu] of rec.customers.entries()) {
      if (blocked[ci]) w.emu.userUnblockBot(cu.id, bot);
      blocked[ci] = false;
    }
    await calm();
    // answer what the service still asks, so every content message has a ticket to go to
    for (let round = 0; round < 3; round++) {
      let asked = false;
      for (const [ci, cu] of rec.customers.entries()) {
        const d = await getDraft(w.kv, cu.id);
        const held = await listHeld(w.kv, cu.id);
        const view = w.clientView(cu.id);
        const newest = (p: string) =>
          view.findLast((m) => dataOf(m.replyMarkup).some((x) => x.startsWith(p)));
        if (d?.stage === "topic") {
          const m = newest("c:topic:");
          const first = m && dataOf(m.replyMarkup).find((x) => x.startsWith("c:topic:0"));
          if (m && first) press(cu.id, bot, m.id, first);
          asked = true;
        } else if (d?.stage === "topic_text") {
          await clientSend(ci, { text: "Тема" });
          asked = true;
        } else if (d?.stage === "held") {
          const m = newest("c:held_reopen:");
          const data = m && dataOf(m.replyMarkup).find((x) => x.startsWith("c:held_reopen:"));
          if (m && data) press(cu.id, bot, m.id, data);
          asked = true;
        } else if (d?.stage === "question" && held.length > 0) {
          asked = true; // the next message opens the ticket with the held ones
          await clientSend(ci, { text: `${mark()} question` }, `MK${markers}Z`);
        }
        if (asked) await calm();
      }
      if (!asked) break;
    }
    await calm();

    /**
     * A removed manager writes in the group again: they came back by an old invite link (the
     * removal took them out of the chats). True when they are no manager now.
     */
    function rejoin(id: number): boolean {
      if (!rec.removed.has(id)) return false;
      for (const d of w.desks) w.emu.setMember(d.groupId, id, { status: "member" });
      return true;
    }

    async function runStep(s: Step): Promise<boolean> {
      // a customer who blocked the bot cannot write to it (Telegram asks to unblock first)
      if ("c" in s && blocked[s.c] && s.k !== "block") return false;
      // while the client bot is stopped its updates wait at Telegram and are handled in order
      // on the start; what would change a dialogue or a ticket meanwhile by another way (a
      // button, a command, a post's button) would make the model guess what each waiting
      // message meant, so it is not generated then. Presses to a stopped bot are dropped by
      // Telegram after 150 s: not generated either.
      const clientOff = off().has(w.clientBot), managerOff = off().has(w.managerBot);
      if (
        (clientOff &&
          ["new", "open", "press", "forged", "rateComment", "cmd", "post", "stranger"]
            .includes(s.k)) ||
        (managerOff && (s.k === "post" || (s.k === "stranger" && s.press)))
      ) return false;
      switch (s.k) {
        case "send": {
          const mk = mark();
          const { c, marked } = content(s.kind, mk);
          let replyTo: number | undefined;
          if (s.replyTo !== undefined) {
            const answers = w.clientView(rec.customers[s.c]!.id).filter((m) =>
              !m.outgoing && /^#\d+\n/.test(m.text ?? m.caption ?? "")
            );
            if (answers.length) replyTo = answers[s.replyTo % answers.length]!.id;
          }
          await clientSend(s.c, c, marked ? mk : undefined, replyTo);
          return true;
        }
        case "album": {
          const id = rec.customers[s.c]!.id;
          const mk = mark();
          const items: UserContent[] = Array.from(
            { length: s.n },
            (_, i) => ({ photo: {}, ...(i === 0 ? { caption: `${mk} album` } : {}) }),
          );
          const refs = w.emu.userSendAlbum(id, bot, items);
          for (const [i, r] of refs.entries()) {
            rec.fromClients.push({
              client: id,
              messageId: r.messageId,
              role: "content",
              ...(i === 0 ? { marker: mk } : {}),
              step: cur,
            });
          }
          return true;
        }
        case "edit": {
          const id = rec.customers[s.c]!.id;
          const mine = rec.fromClients.filter((m) =>
            m.client === id && m.role === "content" && m.marker &&
            w.clientView(id).find((v) => v.id === m.messageId)?.text !== undefined
          );
          const m = mine[mine.length - 1 - (s.back % Math.max(1, mine.length))];
          if (!m) return false;
          w.emu.userEdit(id, bot, m.messageId, `${m.marker} edited`);
          m.edited = true;
          return true;
        }
        case "open": {
          const id = rec.customers[s.c]!.id;
          w.emu.userSend(id, bot, { text: "/new" });
          await calm();
          const q = w.clientView(id).findLast((m) =>
            dataOf(m.replyMarkup).some((x) => x.startsWith("c:topic:"))
          );
          if (!q) return false;
          const offered = dataOf(q.replyMarkup).filter((x) => x.startsWith("c:topic:"));
          press(id, bot, q.id, offered[s.topic % offered.length]!);
          await calm();
          const mk = mark();
          await clientSend(s.c, { text: `${mk} question` }, mk);
          return true;
        }
        case "block": {
          const id = rec.customers[s.c]!.id;
          if (s.on) w.emu.userBlockBot(id, bot);
          else w.emu.userUnblockBot(id, bot);
          blocked[s.c] = s.on;
          return true;
        }
        case "new":
          w.emu.userSend(rec.customers[s.c]!.id, bot, { text: "/new" });
          return true;
        case "press": {
          const id = rec.customers[s.c]!.id;
          const found = w.clientView(id).flatMap((m) =>
            dataOf(m.replyMarkup).filter((d) => d.startsWith(s.prefix)).map((d) => ({ m, d }))
          );
          const hit = found[found.length - 1 - (s.pick % Math.max(1, found.length))];
          if (!hit) return false;
          press(id, bot, hit.m.id, hit.d);
          return true;
        }
        case "forged": {
          const id = rec.customers[s.c]!.id;
          const t = await ticketAt(s.t);
          const m = w.clientView(id).findLast((v) => !v.outgoing);
          if (!m) return false;
          press(id, bot, m.id, `c:close:${t ?? 999}`, true);
          return true;
        }
        case "rateComment": {
          const id = rec.customers[s.c]!.id;
          const d = await getDraft(w.kv, id);
          if (d?.stage !== "rate_comment") return false;
          const ref = w.emu.userSend(id, bot, { text: "Спасибо" }, { replyTo: d.promptId });
          rec.fromClients.push({
            client: id,
            messageId: ref.messageId,
            role: "rate_comment",
            step: cur,
          });
          return true;
        }
        case "comment": {
          const n = await ticketAt(s.t);
          const tk = n === null ? null : await getTicket(w.kv, n);
          if (!tk?.threadId) return false;
          const m = w.managers[s.m]!;
          const mk = mark();
          const text = s.note ? `// ${mk} note` : `${mk} answer`;
          const refused = rejoin(m.id);
          const ref = w.emu.userSend(m.id, w.chatsOf(tk).groupId, { text }, {
            replyTo: tk.threadId,
          });
          rec.fromManagers.push({
            manager: m.id,
            ticket: tk.number,
            messageId: ref.messageId,
            marker: mk,
            note: s.note,
            closed: tk.status === "closed",
            step: cur,
            ...(refused ? { refused } : {}),
          });
          return true;
        }
        case "mgrEdit": {
          const id = w.managers[s.m]!.id;
          const mine = rec.fromManagers.filter((x) => x.manager === id);
          const m = mine[mine.length - 1 - (s.back % Math.max(1, mine.length))];
          if (!m) return false;
          // a removed manager's edit of an earlier answer must not reach the customer
          const word = rejoin(id) ? "hijacked" : "fixed";
          const tk = await getTicket(w.kv, m.ticket);
          if (!tk) return false;
          w.emu.userEdit(
            id,
            w.chatsOf(tk).groupId,
            m.messageId,
            m.note ? `// ${m.marker} ${word}` : `${m.marker} ${word}`,
          );
          if (word === "fixed") m.edited = true;
          return true;
        }
        case "post": {
          const n = await ticketAt(s.t);
          const tk = n === null ? null : await getTicket(w.kv, n);
          if (!tk?.postId) return false;
          const data = `p:${s.action}:${tk.number}`;
          const { channelId } = w.chatsOf(tk);
          const post = w.emu.view(w.owner.id, channelId).find((m) => m.id === tk.postId);
          // a button the post no longer shows: the tap of a client with a stale keyboard
          press(
            w.managers[s.m]!.id,
            channelId,
            tk.postId,
            data,
            !dataOf(post?.replyMarkup).includes(data),
          );
          return true;
        }
        case "stranger": {
          const n = await ticketAt(s.t);
          const tk = n === null ? null : await getTicket(w.kv, n);
          if (!tk?.postId || !tk.threadId) return false;
          const st = w.emu.createUser({ firstName: "Stan", languageCode: "en" });
          const { channelId, groupId } = w.chatsOf(tk);
          w.emu.setMember(channelId, st.id, { status: "member" });
          w.emu.setMember(groupId, st.id, { status: "member" });
          const post = w.emu.view(w.owner.id, channelId).find((m) => m.id === tk.postId);
          const data = `p:close:${tk.number}`;
          if (s.press) {
            press(st.id, channelId, tk.postId, data, !dataOf(post?.replyMarkup).includes(data));
          } else {
            const mk = mark();
            const ref = w.emu.userSend(st.id, groupId, { text: `${mk} from a stranger` }, {
              replyTo: tk.threadId,
            });
            rec.fromManagers.push({
              manager: st.id,
              ticket: tk.number,
              messageId: ref.messageId,
              marker: mk,
              note: false,
              closed: tk.status === "closed",
              step: cur,
              refused: true,
            });
          }
          return true;
        }
        case "flood": {
          // no settling in between: the messages race the service as a real burst does
          for (let i = 0; i < s.n; i++) {
            const mk = mark();
            await clientSend(s.c, { text: `${mk} flood` }, mk);
          }
          return true;
        }
        case "live": {
          const id = rec.customers[s.c]!.id;
          const d = await getDraft(w.kv, id);
          const ref = w.emu.userSendLiveLocation(id, bot, {
            latitude: 55.7,
            longitude: 37.6,
            livePeriod: 3600,
          });
          // a location sent when a typed topic is asked for is no topic: asked again
          const role: SentByClient["role"] = d?.stage === "topic_text" ? "topic" : "content";
          rec.fromClients.push({ client: id, messageId: ref.messageId, role, step: cur });
          await calm();
          for (let i = 1; i <= s.moves; i++) {
            w.clock.advance(20_000);
            w.emu.userMoveLiveLocation(id, bot, ref.messageId, {
              latitude: 55.7 + i / 100,
              longitude: 37.6,
            });
          }
          if (s.stop) w.emu.userStopLiveLocation(id, bot, ref.messageId);
          return true;
        }
        case "mgrDelete": {
          const m = w.managers[s.m]!;
          const mine = rec.fromManagers.filter((x) => x.manager === m.id && !x.note && !x.deleted);
          const target = mine[mine.length - 1 - (s.back % Math.max(1, mine.length))];
          if (!target) return false;
          const tk = await getTicket(w.kv, target.ticket);
          if (!tk?.threadId) return false;
          // a removed manager's /delete is refused: the customer keeps the answer
          const refused = rejoin(m.id);
          w.emu.userSend(m.id, w.chatsOf(tk).groupId, { text: "/delete" }, {
            replyTo: target.messageId,
          });
          if (!refused) target.deleted = true;
          return true;
        }
        case "cmd": {
          const n = await ticketAt(s.t);
          const tk = n === null ? null : await getTicket(w.kv, n);
          if (!tk?.threadId) return false;
          const other = w.managers[(s.m + 1) % w.managers.length]!;
          const text = s.cmd === "transfer" ? `/transfer ${other.id}` : `/${s.cmd}`;
          rejoin(w.managers[s.m]!.id);
          w.emu.userSend(w.managers[s.m]!.id, w.chatsOf(tk).groupId, { text }, {
            replyTo: tk.threadId,
          });
          return true;
        }
        case "admin":
          return await adm.act(s.act, s.arg);
        case "rotate":
          return await adm.rotate(s.bot === "client" ? w.clientBot : w.managerBot, s.gap);
        case "forwards":
          // from now on Telegram forwards channel posts into the group early (before the
          // posting call returns) or late (after later updates of other chats)
          w.emu.setAutoForwardDelay(
            s.when === "early" ? "before-return" : { min: s.ms, max: s.ms * 2 },
          );
          return true;
        case "kill": {
          await sleep(s.delay);
          const at = Date.now();
          await w.kill();
          await calm();
          // a bot the admin stopped stays stopped in the new process: it takes no updates and
          // sends nothing; only the doctor's read-only checks of its token and rights (the
          // periodic setup watch) may still call with it
          for (const b of stopped) {
            // (a poll the stop gave up on may still be answered late: polls count while waiting)
            const what = w.emu.calls(b.id).filter((c) =>
              c.time > at && c.method !== "getUpdates" && !DOCTOR_READS.has(c.method)
            ).map((c) => c.method);
            if (w.emu.isPolling(b.id)) what.push("getUpdates");
            if (what.length) {
              rec.errors.push(
                `step ${cur}: the ${b.username} the admin stopped started again after the ` +
                  `restart (${[...new Set(what)].join(", ")})`,
              );
            }
          }
          return true;
        }
        case "fault":
          // within the retry budget of an update (4 attempts): past it the update is set aside
          // and the admins told, a different promise than the one checked here
          if (faults + s.count > 3) return false;
          faults += s.count;
          if (s.fault === "drop-after") rec.lostAnswers += s.count;
          w.emu.failNext({
            botId: s.bot === "client" ? w.clientBot.id : w.managerBot.id,
            method: s.method,
            kind: s.fault,
            count: s.count,
            retryAfter: 1,
          });
          return true;
      }
    }
  }
}
