/**
 * `deno task demo [--exit]`: the whole helpdesk on the built-in emulator, with no tokens and
 * no Telegram account. Plays a working day, prints each conversation as the people in it saw
 * it (from the emulator's view of their chats), writes the Excel report, then keeps running
 * for you to poke at (or exits with --exit).
 *
 * The day runs on a clock of its own, shared by the service and the emulator: Monday 2 March
 * 2026 in Moscow, working hours Monday to Friday 09:00–18:00. Each scene sets the clock to
 * its hour (the first customer writes before opening time, the reply to the second comes
 * late), so the report measures working minutes and shows breaches, while the whole day
 * plays in seconds of real time.
 *
 * @module
 */
import { ManualClock } from "../src/clock.ts";
import type { ViewMessage } from "../src/emulator/mod.ts";
import { createLogger, type Logger } from "../src/log.ts";
import { transferTicket } from "../src/services/lifecycle.ts";
import { ZoneClock } from "../src/services/report/period.ts";
import { formatHm } from "../src/services/report/report.ts";
import { getTicket } from "../src/storage/tickets.ts";
import { writeDemoReport } from "./demo_report.ts";
import { type Sandbox, startSandbox } from "./sandbox.ts";
import { until } from "./until.ts";

/** The demo team's time zone. */
export const DEMO_TIME_ZONE = "Europe/Moscow";
/** The day the demo plays: a Monday. */
const DEMO_DAY = { year: 2026, month: 3, day: 2 };
/** Opening hours of the demo team, Monday to Friday (minutes of the day, local). */
const WORKDAY: Array<[number, number]> = [[9 * 60, 18 * 60]];

/** The instant of `hh:mm` on the demo's day, in its time zone. */
export function demoTime(hh: number, mm: number): number {
  return new ZoneClock(DEMO_TIME_ZONE).startOf(DEMO_DAY) + (hh * 60 + mm) * 60_000;
}

/** A running demo: the sandbox and the clock its day runs on. */
export interface Demo {
  s: Sandbox;
  clock: ManualClock;
}

/** Starts the helpdesk on the emulator, on the demo's clock, hours and topics. */
export async function startDemo(o: { port?: number; log?: Logger } = {}): Promise<Demo> {
  const clock = new ManualClock(demoTime(8, 45));
  const s = await startSandbox({
    timeScale: 0.02,
    port: o.port ?? 0,
    topics: ["Оплата", "Доставка", "Другое"],
    clock,
    settings: {
      timeZone: DEMO_TIME_ZONE,
      always: false,
      week: {
        "1": WORKDAY,
        "2": WORKDAY,
        "3": WORKDAY,
        "4": WORKDAY,
        "5": WORKDAY,
        "6": [],
        "7": [],
      },
    },
    log: o.log ?? createLogger("silent"),
  });
  return { s, clock };
}

const exitAtEnd = Deno.args.includes("--exit");
const reportPath = (() => {
  const i = Deno.args.indexOf("--report");
  return i >= 0 ? Deno.args[i + 1]! : "demo-report.xlsx";
})();

function line(m: ViewMessage): string {
  const who = m.outgoing ? "you" : m.sender.name;
  const body = m.text ?? m.caption ?? "";
  const kind = m.kind === "text" ? "" : `[${m.kind}${m.fileName ? ` ${m.fileName}` : ""}] `;
  const buttons = (m.replyMarkup as { inline_keyboard?: { text: string }[][] } | undefined)
    ?.inline_keyboard?.flat().map((b) => `[${b.text}]`).join(" ");
  return `  ${who}: ${kind}${body.replaceAll("\n", " ⏎ ")}${buttons ? `  ${buttons}` : ""}`;
}

function print(title: string, msgs: ViewMessage[]): void {
  console.log(`\n=== ${title} ===`);
  for (const m of msgs) console.log(line(m));
}

/**
 * Plays the demo's day. Every step waits until the service has handled the one before, so the
 * clock moves only between scenes; `log` receives a line per scene.
 */
export async function playDemoDay(
  { s, clock }: Demo,
  log: (line: string) => void = () => {},
): Promise<void> {
  const { emu } = s;
  const at = (hh: number, mm: number) => clock.set(demoTime(hh, mm));
  const scene = (hh: number, mm: number, what: string) => {
    at(hh, mm);
    log(`[${String(hh).padStart(2, "0")}:${String(mm).padStart(2, "0")}] ${what}`);
  };
  const bot = s.bots.client.id;
  const maria = s.managers[0]!;
  const ivan = s.managers[1]!;
  const anna = emu.createUser({ firstName: "Анна", username: "anna", languageCode: "ru" });
  const ben = emu.createUser({ firstName: "Ben", username: "ben", languageCode: "en" });
  const view = (u: { id: number }) => emu.view(u.id, bot);
  const lastButton = (u: { id: number }, data: string) =>
    view(u).findLast((m) => JSON.stringify(m.replyMarkup ?? "").includes(data));
  const press = async (u: { id: number }, data: string) => {
    await until(() => lastButton(u, data) !== undefined, `button ${data}`);
    // the button's whole data: a topic's carries its name's mark after the prefix
    const m = lastButton(u, data)!;
    const rows = (m.replyMarkup as { inline_keyboard?: { callback_data?: string }[][] })
      .inline_keyboard ?? [];
    const full = rows.flat().map((b) => b.callback_data ?? "").find((d) =>
      d === data || d.startsWith(`${data}:`)
    );
    emu.userPressButton(u.id, bot, m.id, full ?? data);
  };
  const rootOf = async (n: number) => {
    await until(async () => (await getTicket(s.kv, n))?.threadId != null, `thread of #${n}`);
    return (await getTicket(s.kv, n))!.threadId!;
  };

  scene(8, 50, "before opening time, Anna writes about a payment");
  emu.userStartBot(anna.id, bot);
  emu.userStartBot(ben.id, bot);
  await until(() => view(anna).length >= 2 && view(ben).length >= 2, "greetings");
  emu.userSend(anna.id, bot, { text: "/new" });
  await press(anna, "c:topic:0");
  await until(
    () => view(anna).some((m) => /Тема: Оплата/.test(m.text ?? "")),
    "question prompt",
  );
  emu.userSend(anna.id, bot, { text: "Оплатила заказ 1042, а статус «не оплачен»." });
  await until(() => view(anna).some((m) => /#1/.test(m.text ?? "")), "ticket #1");
  emu.userSend(anna.id, bot, { photo: { sizeBytes: 180_000 }, caption: "Скриншот оплаты" });
  const root1 = await rootOf(1);
  await until(() => emu.threadView(s.groupId, root1).length >= 3, "Anna's photo in the thread");

  scene(9, 6, "Ben asks where his order is");
  emu.userSend(ben.id, bot, { text: "Hi! Where is my order 2077?" });
  await press(ben, "c:topic:1");
  await until(() => view(ben).some((m) => /#2/.test(m.text ?? "")), "ticket #2");
  emu.userSend(ben.id, bot, { document: { fileName: "receipt.pdf", sizeBytes: 240_000 } });
  const root2 = await rootOf(2);
  await until(
    () => emu.threadView(s.groupId, root2).length >= 3,
    "Ben's document in the thread",
  );

  scene(9, 14, "Maria answers Anna in the comments (14 working minutes after opening)");
  emu.userSend(maria.id, s.groupId, { text: "Анна, здравствуйте! Проверяю платёж." }, {
    replyTo: root1,
  });
  emu.userSend(maria.id, s.groupId, { text: "// банк подтверждает списание, ждём выписку" }, {
    replyTo: root1,
  });
  await until(() => view(anna).some((m) => /Проверяю/.test(m.text ?? "")), "Maria's answer");

  scene(9, 41, "Ivan takes Ben's ticket and answers: 37 minutes, past the 15-minute target");
  const post2 = (await getTicket(s.kv, 2))!.postId!;
  emu.userPressButton(ivan.id, s.channelId, post2, "p:take:2");
  await until(async () => (await getTicket(s.kv, 2))?.managerId === ivan.id, "#2 taken");
  at(9, 43);
  emu.userSendAlbum(ivan.id, s.groupId, [
    { photo: {}, caption: "Your parcel at our warehouse" },
    { photo: {} },
  ], { replyTo: root2 });
  emu.userSend(ivan.id, s.groupId, { text: "It leaves today, tracking: RB123456789." }, {
    replyTo: root2,
  });
  await until(() => view(ben).some((m) => /RB123456789/.test(m.text ?? "")), "tracking");

  scene(11, 20, "Maria hands ticket #1 to Ivan, who answers and closes it; Anna rates");
  await transferTicket(s.app.deps, 1, { role: "manager", id: maria.id }, ivan.id);
  at(11, 26);
  emu.userSend(ivan.id, s.groupId, { text: "Платёж прошёл, статус обновлён. Спасибо!" }, {
    replyTo: root1,
  });
  await until(() => view(anna).some((m) => /Платёж прошёл/.test(m.text ?? "")), "answer");
  at(11, 30);
  const post1 = (await getTicket(s.kv, 1))!.postId!;
  emu.userPressButton(ivan.id, s.channelId, post1, "p:close:1");
  await until(async () => (await getTicket(s.kv, 1))?.status === "closed", "#1 closed");
  at(11, 32);
  await press(anna, "c:rate:1:5");
  await until(
    () => view(anna).some((m) => /комментарием/.test(m.text ?? "")),
    "comment invite",
  );
  const invite = view(anna).findLast((m) => /комментарием/.test(m.text ?? ""))!;
  emu.userSend(anna.id, bot, { text: "Быстро разобрались!" }, { replyTo: invite.id });

  await until(
    async () => (await getTicket(s.kv, 1))?.ratings[0]?.comment !== undefined,
    "Anna's comment",
  );

  scene(12, 5, "Ben closes his ticket himself and rates it");
  emu.userSend(ben.id, bot, { text: "/tickets" });
  await press(ben, "c:close:2");
  await until(async () => (await getTicket(s.kv, 2))?.status === "closed", "#2 closed");
  at(12, 6);
  await press(ben, "c:rate:2:4");
  await until(
    () => view(ben).some((m) => /with a comment/.test(m.text ?? "")),
    "comment invite",
  );
  emu.userSend(ben.id, bot, { text: "/help" });
  await until(() => view(ben).some((m) => /\/new/.test(m.text ?? "")), "help");
  await until(async () => (await getTicket(s.kv, 2))?.ratings.length === 1, "#2 rated");

  scene(14, 10, "Ben writes again: his ticket reopens");
  emu.userSend(ben.id, bot, { text: "Tracking says 'returned to sender'?!" });
  await press(ben, "c:held_reopen:2");
  await until(
    () => emu.threadView(s.groupId, root2).some((m) => /returned to sender/.test(m.text ?? "")),
    "reopened ticket's message",
  );

  scene(14, 52, "Ivan answers the reopened ticket, 42 minutes later: another breach");
  emu.userSend(ivan.id, s.groupId, { text: "Checking with the courier right now." }, {
    replyTo: root2,
  });
  await until(() => view(ben).some((m) => /courier/.test(m.text ?? "")), "courier answer");
  await s.app.deps.outbox.idle();
  scene(18, 30, "the day is over; the owner asks for this month's report");
}

/** Prints each conversation of the demo as the people in it saw it. */
export async function printDemoChats({ s }: Demo): Promise<void> {
  const { emu } = s;
  const bot = s.bots.client.id;
  const users = [...emu.world.users.values()];
  const user = (name: string) => users.find((u) => u.firstName === name)!;
  const view = (u: { id: number }) => emu.view(u.id, bot);
  const anna = user("Анна"), ben = user("Ben");
  const root1 = (await getTicket(s.kv, 1))!.threadId!;
  const root2 = (await getTicket(s.kv, 2))!.threadId!;
  print("Anna's chat with the client bot", view(anna));
  print("Ben's chat with the client bot", view(ben));
  print("Managers' channel (ticket posts)", emu.view(s.owner.id, s.channelId));
  print("Comments of ticket #1 (as Maria sees them)", emu.threadView(s.groupId, root1));
  print("Comments of ticket #2 (as Ivan sees them)", emu.threadView(s.groupId, root2));
}

if (import.meta.main) {
  const demo = await startDemo({
    port: exitAtEnd ? 0 : 8081,
    log: createLogger(Deno.args.includes("--debug") ? "warn" : "silent"),
  });
  const { s } = demo;
  try {
    console.log(`The demo's day: Monday 2 March 2026, ${DEMO_TIME_ZONE}, open 09:00–18:00`);
    await playDemoDay(demo, (l) => console.log(l));
    await printDemoChats(demo);
    const r = await writeDemoReport(s, reportPath);
    console.log(
      `\nExcel report written to ${await Deno.realPath(reportPath)}: ${r.tickets} tickets, ` +
        `${r.cycles} work periods, median first reply ${formatHm(r.medianFirstReplyMs)} ` +
        `(working time), ${r.breaches} SLA breaches, ${r.ratings} ratings, with a chart`,
    );
  } catch (e) {
    console.error(e);
    if (Deno.args.includes("--debug")) {
      for (const u of s.emu.world.users.values()) {
        try {
          print(`${u.firstName}`, s.emu.view(u.id, s.bots.client.id));
        } catch { /* no chat */ }
      }
    }
    await s.stop();
    Deno.exit(1);
  }
  if (exitAtEnd) {
    await s.stop();
    Deno.exit(0);
  }
  console.log(`\nThe helpdesk keeps running on the emulator at ${s.emu.apiRoot}`);
  console.log(`Bots: ${JSON.stringify(s.bots)}`);
  console.log("Control surface: POST /_emulator/<method> (see docs/emulator.md). Ctrl+C stops.");
  Deno.addSignalListener("SIGINT", async () => {
    await s.stop();
    Deno.exit(0);
  });
}
