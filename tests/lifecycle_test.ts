import assert from "node:assert/strict";
import { getClient } from "../src/storage/people.ts";
import { getTicket, listEvents, listMessages } from "../src/storage/tickets.ts";
import { buttonData, clientOpensTicket, managerSays, startWorld } from "./harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name: "lifecycle: close from the post, rate with a comment, write into the closed ticket, reopen",
  ...sanitize,
  fn: async () => {
    const w = await startWorld();
    try {
      const alice = await w.newClient("Alice");
      const bot = w.clientBot.id;
      const n = await clientOpensTicket(w, alice.id, "Оплата", "Платёж завис");
      const maria = w.managers[0]!;
      const postId = (await getTicket(w.kv, n))!.postId!;

      // take from the post's button: answered by the manager bot, the post shows the manager
      w.emu.userPressButton(maria.id, w.channelId, postId, `p:take:${n}`);
      await w.until(
        () =>
          /Ответственный: Maria/.test(
            w.emu.view(w.owner.id, w.channelId).find((m) => m.id === postId)?.text ?? "",
          ),
        "post shows Maria",
      );
      // a stranger pressing a button changes nothing (no language: answered in English)
      const stranger = w.emu.createUser({ firstName: "Stan" });
      w.emu.setMember(w.channelId, stranger.id, { status: "member" });
      const q = w.emu.userPressButton(stranger.id, w.channelId, postId, `p:close:${n}`);
      await w.until(() => w.emu.callbackAnswer(q) !== undefined, "stranger answered");
      assert.match(String(w.emu.callbackAnswer(q)?.text), /for the helpdesk.s managers only/);
      // forged data: a ticket that does not exist
      const forged = w.emu.userPressButton(maria.id, w.channelId, postId, "p:close:99999", {
        forged: true,
      });
      await w.until(() => w.emu.callbackAnswer(forged) !== undefined, "forged answered");
      assert.equal((await getTicket(w.kv, n))?.status, "in_progress");

      await managerSays(w, maria.id, n, { text: "Готово" });
      w.emu.userPressButton(maria.id, w.channelId, postId, `p:close:${n}`);
      await w.until(
        () => w.clientView(alice.id).some((m) => /закрыто специалистом/.test(m.text ?? "")),
        "client told",
      );
      await w.until(
        () =>
          w.clientView(alice.id).some((m) =>
            JSON.stringify(m.replyMarkup ?? "").includes(`c:rate:${n}:5`)
          ),
        "rating prompt",
      );
      const prompt = w.clientView(alice.id).findLast((m) =>
        JSON.stringify(m.replyMarkup ?? "").includes("c:rate:")
      )!;
      w.emu.userPressButton(alice.id, bot, prompt.id, buttonData(prompt, `c:rate:${n}:5`));
      await w.until(
        () => w.clientView(alice.id).some((m) => /комментарием/.test(m.text ?? "")),
        "comment invite",
      );
      const invite = w.clientView(alice.id).findLast((m) => /комментарием/.test(m.text ?? ""))!;
      w.emu.userSend(alice.id, bot, { text: "Быстро и вежливо" }, { replyTo: invite.id });
      await w.until(
        async () => (await getTicket(w.kv, n))?.ratings[0]?.comment === "Быстро и вежливо",
        "comment stored",
      );
      await w.until(
        () =>
          /★★★★★/.test(
            w.emu.view(w.owner.id, w.channelId).find((m) => m.id === postId)?.text ?? "",
          ),
        "post shows rating",
      );
      // a second rating of the same close is refused
      w.emu.userPressButton(alice.id, bot, prompt.id, buttonData(prompt, `c:rate:${n}:1`));

      // writing into the closed ticket: asked, nothing dropped; reopen sends what was held
      w.emu.userSend(alice.id, bot, { text: "Опять не работает" });
      await w.until(
        () =>
          w.clientView(alice.id).some((m) =>
            JSON.stringify(m.replyMarkup ?? "").includes(`c:held_reopen:${n}`)
          ),
        "reopen question",
      );
      const ask = w.clientView(alice.id).findLast((m) =>
        JSON.stringify(m.replyMarkup ?? "").includes("c:held_reopen")
      )!;
      w.emu.userSend(alice.id, bot, { text: "И ещё вот это" });
      w.emu.userPressButton(alice.id, bot, ask.id, `c:held_reopen:${n}`);
      await w.until(
        async () => (await w.thread(n)).some((m) => m.text === "И ещё вот это"),
        "held messages relayed",
      );
      const th = (await w.thread(n)).map((m) => m.text);
      assert.ok(th.indexOf("Опять не работает") < th.indexOf("И ещё вот это"));
      const t = (await getTicket(w.kv, n))!;
      assert.equal(t.status, "in_progress");
      assert.equal(t.cycles.length, 2);
      assert.deepEqual(t.ratings.map((r) => r.score), [5]);
      const events = (await listEvents(w.kv, n)).map((e) => e.type);
      assert.deepEqual(events.filter((e) => e !== "replied"), [
        "created",
        "taken",
        "closed",
        "rated",
        "rated",
        "reopened",
      ]);
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "lifecycle: a client blocked by managers is refused and nothing is relayed",
  ...sanitize,
  fn: async () => {
    const w = await startWorld();
    try {
      const eve = await w.newClient("Eve");
      const n = await clientOpensTicket(w, eve.id, "Спам", "Купите слона");
      const maria = w.managers[0]!;
      await managerSays(w, maria.id, n, { text: "/block спам" });
      await w.until(async () => (await getClient(w.kv, eve.id))?.blocked !== null, "blocked");
      await w.until(async () => (await getTicket(w.kv, n))?.status === "closed", "ticket closed");
      // The close is recorded as a block's, so reports keep it apart from resolutions.
      const closedCycle = (await getTicket(w.kv, n))?.cycles.at(-1);
      assert.ok(closedCycle);
      assert.equal(closedCycle.closedHow, "block");
      w.emu.userSend(eve.id, w.clientBot.id, { text: "А теперь?" });
      await w.until(
        () => w.clientView(eve.id).some((m) => /не можем принять/.test(m.text ?? "")),
        "refusal",
      );
      w.emu.userSend(eve.id, w.clientBot.id, { text: "/new" });
      await w.until(
        () => w.clientView(eve.id).filter((m) => /не можем принять/.test(m.text ?? "")).length >= 2,
        "refusal 2",
      );
      await w.deps.outbox.idle();
      assert.ok(!(await w.thread(n)).some((m) => m.text === "А теперь?"));
      assert.equal((await listMessages(w.kv, n)).length, 1);
      assert.ok(
        !w.clientView(eve.id).some((m) => /оцените|закрыто/i.test(m.text ?? "")),
        "no rating prompt",
      );
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name:
    "lifecycle: a client who blocked the bot is unreachable; answers wait and arrive after unblock",
  ...sanitize,
  fn: async () => {
    const w = await startWorld();
    try {
      const carl = await w.newClient("Carl", "en");
      const n = await clientOpensTicket(w, carl.id, "Help", "Hello?");
      const maria = w.managers[0]!;
      w.emu.userBlockBot(carl.id, w.clientBot.id);
      await managerSays(w, maria.id, n, { text: "Are you there?" });
      await w.until(
        async () => (await getClient(w.kv, carl.id))?.unreachable === true,
        "unreachable",
      );
      await w.until(
        async () => (await w.thread(n)).some((m) => /заблокировал/.test(m.text ?? "")),
        "thread told",
      );
      const post = (await getTicket(w.kv, n))!.postId!;
      await w.until(
        () =>
          /заблокировал/.test(
            w.emu.view(w.owner.id, w.channelId).find((m) => m.id === post)?.text ?? "",
          ),
        "post marked",
      );
      const callsBefore = w.emu.calls(w.clientBot.id).length;
      await managerSays(w, maria.id, n, { text: "Second try" });
      await new Promise((r) => setTimeout(r, 200));
      const tries = w.emu.calls(w.clientBot.id).slice(callsBefore).filter((c) =>
        c.method === "sendMessage" && (c.params as { chat_id: number }).chat_id === carl.id
      );
      assert.equal(tries.length, 0, "no retries while unreachable");
      w.emu.userUnblockBot(carl.id, w.clientBot.id);
      await w.until(
        () => w.clientView(carl.id).some((m) => m.text === "#1\nSecond try"),
        "delivered after unblock",
      );
      const texts = w.clientView(carl.id).filter((m) => !m.outgoing).map((m) => m.text);
      assert.ok(texts.indexOf("#1\nAre you there?") < texts.indexOf("#1\nSecond try"));
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "lifecycle: a refused thread command is answered in the thread",
  ...sanitize,
  fn: async () => {
    const w = await startWorld();
    try {
      const alice = await w.newClient("Alice");
      const n = await clientOpensTicket(w, alice.id, "Тема", "Вопрос");
      const maria = w.managers[0]!;
      await managerSays(w, maria.id, n, { text: "/close" });
      await w.until(async () => (await getTicket(w.kv, n))?.status === "closed", "closed");
      await managerSays(w, maria.id, n, { text: "/close" });
      await w.until(
        async () => (await w.thread(n)).some((m) => /уже закрыто/.test(m.text ?? "")),
        "refusal in the thread",
      );
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "lifecycle: a comment in a closed ticket's thread is not delivered and the manager is told",
  ...sanitize,
  fn: async () => {
    const w = await startWorld();
    try {
      const alice = await w.newClient("Alice");
      const n = await clientOpensTicket(w, alice.id, "Тема", "Вопрос");
      const maria = w.managers[0]!;
      await managerSays(w, maria.id, n, { text: "/close" });
      await w.until(async () => (await getTicket(w.kv, n))?.status === "closed", "closed");
      await managerSays(w, maria.id, n, { text: "Ещё одно" });
      await w.until(
        async () => (await w.thread(n)).some((m) => /не доставлено/.test(m.text ?? "")),
        "not-delivered notice",
      );
      await w.deps.outbox.idle();
      assert.ok(!w.clientView(alice.id).some((m) => m.text?.includes("Ещё одно")));
    } finally {
      await w.stop();
    }
  },
});
