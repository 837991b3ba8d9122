import assert from "node:assert/strict";
import { buttonData } from "./harness.ts";
import { closeQuietTickets } from "../src/services/desk/quiet.ts";
import { notifySla } from "../src/services/desk/notifier.ts";
import { isManagerUnreachable } from "../src/storage/desk.ts";
import { getManager } from "../src/storage/people.ts";
import { updateSettings } from "../src/storage/settings.ts";
import { getTicket, listEvents } from "../src/storage/tickets.ts";
import {
  buttonsOf,
  clientOpensTicket,
  managerSays,
  sanitize,
  startDesk,
} from "./manager_harness.ts";

Deno.test({
  name: "manager notifications: new ticket, client wrote, low rating, SLA; mute; no /start → 403",
  ...sanitize,
  fn: async () => {
    const w = await startDesk();
    try {
      const [maria, ivan] = [w.managers[0]!, w.managers[1]!];
      await w.ask(maria.id, "/start");
      const notes = () => w.mgrView(maria.id).filter((m) => !m.outgoing).map((m) => m.text ?? "");
      const alice = await w.newClient("Alice");
      const n = await clientOpensTicket(w, alice.id, "Оплата", "Платёж завис");
      await w.until(() => notes().some((t) => t.includes(`Новое обращение #${n}`)), "new ticket");
      // Ivan never pressed /start: the 403 is remembered, nothing breaks
      await w.notifier.idle();
      assert.equal(await isManagerUnreachable(w.kv, ivan.id), true);
      const note = w.mgrView(maria.id).findLast((m) => /Новое обращение/.test(m.text ?? ""));
      assert.ok(buttonsOf(note).some((b) => b.data === `m:t:${n}`));

      // Maria answers (and so takes it); the client writes: only Maria hears of it
      await managerSays(w, maria.id, n, { text: "Смотрю" });
      await w.until(async () => (await getTicket(w.kv, n))?.managerId === maria.id, "assigned");
      // (the fast lane: each message itself, under a line naming the ticket and the client)
      const wrote = (t: string) => t.startsWith(`✉️ #${n} · Оплата · Alice (@alice)\n`);
      w.emu.userSend(alice.id, w.clientBot.id, { text: "Спасибо, жду" });
      await w.until(() => notes().some((t) => wrote(t) && t.endsWith("Спасибо, жду")), "wrote");
      // every message before an answer comes too, not one note per wait
      w.emu.userSend(alice.id, w.clientBot.id, { text: "Алло?" });
      await w.until(() => notes().some((t) => wrote(t) && t.endsWith("Алло?")), "second");
      assert.equal(notes().filter(wrote).length, 2);

      // Maria mutes "client wrote" from /settings; the next message is not notified
      const [menu] = await w.ask(maria.id, "/settings");
      assert.ok(buttonsOf(menu).some((b) => b.data === "m:s:client_wrote"));
      const muted = await w.press(maria.id, menu!.id, "m:s:client_wrote");
      assert.match(muted.text!, /Выключено/);
      assert.deepEqual((await getManager(w.kv, maria.id))?.mute, ["client_wrote"]);
      await w.until(
        () =>
          /🔕 Клиент написал/.test(
            w.mgrView(maria.id).find((m) => m.id === menu!.id)?.text ?? "",
          ) ||
          buttonsOf(w.mgrView(maria.id).find((m) => m.id === menu!.id)).some((b) =>
            b.text === "🔕 Клиент написал"
          ),
        "menu shows muted",
      );
      w.emu.userSend(alice.id, w.clientBot.id, { text: "Ещё одно" });
      await w.until(async () => (await w.thread(n)).some((m) => m.text === "Ещё одно"), "relayed");
      await w.notifier.idle();
      assert.equal(notes().filter(wrote).length, 2);

      // SLA: the job's hook and the event path both reach the assigned manager
      await notifySla(w.deps, (await getTicket(w.kv, n))!, "reaction_breach");
      w.deps.notifier!.notify({ type: "sla", ticket: n, threshold: "close_warn" });
      await w.until(
        () =>
          notes().some((t) => /целевое время реакции истекло/.test(t)) &&
          notes().some((t) => /скоро истечёт срок решения/.test(t)),
        "SLA notes",
      );

      // a low rating of Maria's ticket
      await managerSays(w, maria.id, n, { text: "/close" });
      await w.until(
        () =>
          w.clientView(alice.id).some((m) =>
            JSON.stringify(m.replyMarkup ?? "").includes(`c:rate:${n}:1`)
          ),
        "rating prompt",
      );
      const prompt = w.clientView(alice.id).findLast((m) =>
        JSON.stringify(m.replyMarkup ?? "").includes("c:rate:")
      )!;
      w.emu.userPressButton(
        alice.id,
        w.clientBot.id,
        prompt.id,
        buttonData(prompt, `c:rate:${n}:1`),
      );
      await w.until(
        () => notes().some((t) => /Низкая оценка ★ по обращению/.test(t)),
        "low rating",
      );

      // Ivan presses /start: the mark is gone
      await w.ask(ivan.id, "/start");
      assert.equal(await isManagerUnreachable(w.kv, ivan.id), false);
      assert.equal(
        w.mgrView(ivan.id).filter((m) => /Новое обращение/.test(m.text ?? "")).length,
        0,
      );
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "manager quiet tickets: closed after quietDays waiting on the client, once, and reopenable",
  ...sanitize,
  fn: async () => {
    const w = await startDesk();
    try {
      const maria = w.managers[0]!;
      await updateSettings(w.kv, 0, w.clock.now(), () => ({ quietDays: 3 }));
      const alice = await w.newClient("Alice");
      const bob = await w.newClient("Bob");
      const quiet = await clientOpensTicket(w, alice.id, "Оплата", "Платёж завис");
      const waiting = await clientOpensTicket(w, bob.id, "Доставка", "Где посылка?");
      await managerSays(w, maria.id, quiet, { text: "Проверьте, пожалуйста, ещё раз" });
      await w.until(async () => (await getTicket(w.kv, quiet))?.waitingSince === null, "answered");

      w.clock.advance(2 * 86_400_000);
      assert.deepEqual(await closeQuietTickets(w.deps, w.clock.now()), []);
      w.clock.advance(86_400_000 + 60_000);
      // two runs at once (overlapping cron runs): one close, one notice
      const [a, b] = await Promise.all([
        closeQuietTickets(w.deps, w.clock.now()),
        closeQuietTickets(w.deps, w.clock.now()),
      ]);
      assert.deepEqual([...a, ...b], [quiet]);
      assert.deepEqual(await closeQuietTickets(w.deps, w.clock.now()), []);
      assert.equal((await getTicket(w.kv, waiting))?.status, "open", "client still waits on us");
      const tk = (await getTicket(w.kv, quiet))!;
      assert.equal(tk.status, "closed");
      assert.deepEqual(tk.cycles[0]!.closedBy, { role: "system", id: 0 });
      await w.until(
        () =>
          w.clientView(alice.id).some((m) =>
            /закрыто автоматически: ответа не было 3 дня\./.test(m.text ?? "")
          ),
        "client told",
      );
      await w.until(
        async () => (await w.thread(quiet)).some((m) => /закрыто автоматически/.test(m.text ?? "")),
        "thread told",
      );
      await w.until(() => /закрыто/.test(w.postText(tk.postId!)), "post closed");
      await w.deps.outbox.idle();
      assert.equal(
        w.clientView(alice.id).filter((m) => /закрыто автоматически/.test(m.text ?? "")).length,
        1,
      );
      // the client writes again and reopens it
      w.emu.userSend(alice.id, w.clientBot.id, { text: "Не помогло" });
      await w.until(
        () =>
          w.clientView(alice.id).some((m) =>
            JSON.stringify(m.replyMarkup ?? "").includes(`c:held_reopen:${quiet}`)
          ),
        "reopen offer",
      );
      const ask = w.clientView(alice.id).findLast((m) =>
        JSON.stringify(m.replyMarkup ?? "").includes("c:held_reopen")
      )!;
      w.emu.userPressButton(alice.id, w.clientBot.id, ask.id, `c:held_reopen:${quiet}`);
      await w.until(
        async () => (await w.thread(quiet)).some((m) => m.text === "Не помогло"),
        "reopened",
      );
      assert.equal((await getTicket(w.kv, quiet))?.status, "in_progress");
      const events = (await listEvents(w.kv, quiet)).map((e) => e.type).filter((e) =>
        e !== "replied"
      );
      assert.deepEqual(events, ["created", "closed", "reopened"]);
    } finally {
      await w.stop();
    }
  },
});
