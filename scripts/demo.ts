/**
 * `deno task demo [--exit]`: the whole helpdesk on the built-in emulator, with no tokens and
 * no Telegram account. Plays a short working day, prints each conversation as the people
 * in it saw it (from the emulator's view of their chats), writes the Excel report, then
 * keeps running for you to poke at (or exits with --exit).
 *
 * @module
 */
import type { ViewMessage } from "../src/emulator/mod.ts";
import { createLogger } from "../src/log.ts";
import { transferTicket } from "../src/services/lifecycle.ts";
import { getTicket } from "../src/storage/tickets.ts";
import { writeDemoReport } from "./demo_report.ts";
import { type Sandbox, startSandbox } from "./sandbox.ts";
import { until } from "./until.ts";

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

async function play(s: Sandbox): Promise<void> {
  const { emu } = s;
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
    emu.userPressButton(u.id, bot, lastButton(u, data)!.id, data);
  };
  const rootOf = async (n: number) => {
    await until(async () => (await getTicket(s.kv, n))?.threadId != null, `thread of #${n}`);
    return (await getTicket(s.kv, n))!.threadId!;
  };

  // morning: two customers write
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

  emu.userSend(ben.id, bot, { text: "Hi! Where is my order 2077?" });
  await press(ben, "c:topic:1");
  await until(() => view(ben).some((m) => /#2/.test(m.text ?? "")), "ticket #2");
  emu.userSend(ben.id, bot, { document: { fileName: "receipt.pdf", sizeBytes: 240_000 } });

  // managers answer in the comments
  const root1 = await rootOf(1);
  const root2 = await rootOf(2);
  await until(() => emu.threadView(s.groupId, root1).length >= 3, "Anna's photo in the thread");
  emu.userSend(maria.id, s.groupId, { text: "Анна, здравствуйте! Проверяю платёж." }, {
    replyTo: root1,
  });
  emu.userSend(maria.id, s.groupId, { text: "// банк подтверждает списание, ждём выписку" }, {
    replyTo: root1,
  });
  const post2 = (await getTicket(s.kv, 2))!.postId!;
  emu.userPressButton(ivan.id, s.channelId, post2, "p:take:2");
  await until(
    () => emu.threadView(s.groupId, root2).length >= 3,
    "Ben's document in the thread",
  );
  emu.userSendAlbum(ivan.id, s.groupId, [
    { photo: {}, caption: "Your parcel at our warehouse" },
    { photo: {} },
  ], { replyTo: root2 });
  emu.userSend(ivan.id, s.groupId, { text: "It leaves today, tracking: RB123456789." }, {
    replyTo: root2,
  });

  // Maria hands ticket #1 to Ivan, who closes it; Anna rates
  await until(() => view(anna).some((m) => /Проверяю/.test(m.text ?? "")), "Maria's answer");
  await transferTicket(s.app.deps, 1, { role: "manager", id: maria.id }, ivan.id);
  emu.userSend(ivan.id, s.groupId, { text: "Платёж прошёл, статус обновлён. Спасибо!" }, {
    replyTo: root1,
  });
  await until(() => view(anna).some((m) => /Платёж прошёл/.test(m.text ?? "")), "answer");
  const post1 = (await getTicket(s.kv, 1))!.postId!;
  emu.userPressButton(ivan.id, s.channelId, post1, "p:close:1");
  await press(anna, "c:rate:1:5");
  await until(
    () => view(anna).some((m) => /комментарием/.test(m.text ?? "")),
    "comment invite",
  );
  const invite = view(anna).findLast((m) => /комментарием/.test(m.text ?? ""))!;
  emu.userSend(anna.id, bot, { text: "Быстро разобрались!" }, { replyTo: invite.id });

  // Ben closes his ticket himself, rates, then writes again and reopens it
  await until(() => view(ben).some((m) => /RB123456789/.test(m.text ?? "")), "tracking");
  emu.userSend(ben.id, bot, { text: "/tickets" });
  await press(ben, "c:close:2");
  await press(ben, "c:rate:2:4");
  await until(
    () => view(ben).some((m) => /with a comment/.test(m.text ?? "")),
    "comment invite",
  );
  emu.userSend(ben.id, bot, { text: "/help" });
  emu.userSend(ben.id, bot, { text: "Tracking says 'returned to sender'?!" });
  await press(ben, "c:held_reopen:2");
  await until(
    () => emu.threadView(s.groupId, root2).some((m) => /returned to sender/.test(m.text ?? "")),
    "reopened ticket's message",
  );
  emu.userSend(ivan.id, s.groupId, { text: "Checking with the courier right now." }, {
    replyTo: root2,
  });
  await until(() => view(ben).some((m) => /courier/.test(m.text ?? "")), "courier answer");
  await s.app.deps.outbox.idle();

  print("Anna's chat with the client bot", view(anna));
  print("Ben's chat with the client bot", view(ben));
  print("Managers' channel (ticket posts)", emu.view(s.owner.id, s.channelId));
  print("Comments of ticket #1 (as Maria sees them)", emu.threadView(s.groupId, root1));
  print("Comments of ticket #2 (as Ivan sees them)", emu.threadView(s.groupId, root2));
}

if (import.meta.main) {
  const s = await startSandbox({
    timeScale: 0.02,
    port: exitAtEnd ? 0 : 8081,
    topics: ["Оплата", "Доставка", "Другое"],
    log: createLogger(Deno.args.includes("--debug") ? "warn" : "silent"),
  });
  try {
    await play(s);
    await writeDemoReport(s, reportPath);
    console.log(`\nExcel report written to ${reportPath}`);
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
