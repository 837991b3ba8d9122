/**
 * Screens listing what people added open whatever the list grew to (1,000 items): the lines
 * that fit, then "and N more"; never a message Telegram refuses.
 */
import assert from "node:assert/strict";
import { putCanned } from "../src/storage/desk.ts";
import { createTicket } from "../src/storage/tickets.ts";
import { putManager, upsertClient } from "../src/storage/people.ts";
import { updateSettings } from "../src/storage/settings.ts";
import { sanitize, seedTickets, startDesk } from "./manager_harness.ts";
import { runningSettings, startSettingsWorld } from "./settings_harness.ts";

Deno.test({
  name: "settings: Working time with 1,000 holidays and Managers with 1,000 managers still open",
  ...sanitize,
  fn: async () => {
    const w = await startSettingsWorld({ readyChats: true, settings: runningSettings });
    try {
      const days = Array.from(
        { length: 1000 },
        (_, i) => new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString().slice(0, 10),
      );
      await updateSettings(w.kv, 1, 1, () => ({ holidays: days }));
      for (let i = 0; i < 1000; i++) {
        await putManager(w.kv, {
          id: 900_000 + i,
          name: `Manager ${i}`,
          lang: "en",
          addedAt: 0,
          addedBy: w.owner.id,
          active: true,
          mute: [],
        });
      }
      let at = (await w.menu()).id;
      at = w.mark();
      w.press("s:hours");
      const hours = await w.waitFor(/and \d+ more/, at);
      assert.ok(hours.text!.length <= 4096);
      assert.ok(hours.replyMarkup, "the buttons that fix it are there");
      assert.match(JSON.stringify(hours.replyMarkup), /s:hol_clear/);

      at = w.mark();
      w.press("s:managers");
      const list = await w.waitFor(/and \d+ more/, at);
      assert.ok(list.text!.length <= 4096);
      assert.match(list.text!, /Manager 0/);
      const buttons = JSON.stringify(list.replyMarkup).match(/s:mgr_rm:/g) ?? [];
      assert.ok(buttons.length > 0 && buttons.length <= 30, `${buttons.length} remove buttons`);

      // a client with 1,000 tickets, and a transfer among 1,000 managers
      for (let i = 0; i < 1000; i++) {
        await createTicket(w.kv, { topic: "T", clientId: 4242, at: i });
      }
      at = w.mark();
      w.press("s:menu");
      await w.waitFor(/./, at);
      at = w.mark();
      w.press("s:clients");
      await w.waitFor(/./, at);
      at = w.mark();
      w.send("4242");
      const client = await w.waitFor(/and \d+ more/, at);
      assert.ok(client.text!.length <= 4096);
      at = w.mark();
      w.press("s:menu");
      await w.waitFor(/./, at);
      at = w.mark();
      w.press("s:tickets");
      await w.waitFor(/./, at);
      at = w.mark();
      w.send("#1");
      await w.waitFor(/#1/, at);
      at = w.mark();
      w.press("s:tk_tr:1");
      const pick = await w.waitFor(/./, at);
      const targets = JSON.stringify(pick.replyMarkup).match(/s:tk_to:/g) ?? [];
      assert.ok(targets.length > 0 && targets.length <= 30, `${targets.length} transfer buttons`);
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "manager bot: /canned with 1,000 saved answers still opens",
  ...sanitize,
  fn: async () => {
    const w = await startDesk();
    try {
      const maria = w.managers[0]!;
      for (let i = 0; i < 1000; i++) {
        await putCanned(w.kv, {
          name: `a${i}`,
          text: `Answer number ${i} `.repeat(5),
          by: 1,
          at: i,
        });
      }
      await w.ask(maria.id, "/start");
      const [list] = await w.ask(maria.id, "/canned");
      assert.ok(list, "an answer");
      assert.match(list.text!, /и ещё \d+|and \d+ more/);
      assert.ok(list.text!.length <= 4096);
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "manager bot: /all with 1,000 open tickets and /clients with 1,000 clients open, paged",
  ...sanitize,
  fn: async () => {
    const w = await startDesk();
    try {
      const ivan = w.managers[1]!;
      await seedTickets(w, 777, 1000);
      for (let i = 0; i < 1000; i++) {
        await upsertClient(w.kv, { id: 50_000 + i, firstName: `C${i}`, lang: "ru" }, i);
      }
      await w.ask(ivan.id, "/start");
      const [all] = await w.ask(ivan.id, "/all");
      assert.ok(all, "an answer");
      assert.match(all.text!, /\(1000\)/);
      assert.match(all.text!, /Страница 1 из \d+/);
      assert.ok(all.text!.length <= 4096);
      const [clients] = await w.ask(ivan.id, "/clients");
      assert.ok(clients, "an answer");
      assert.ok(clients.text!.length <= 4096);
      assert.match(clients.text!, /Клиенты \(1001\)/);
      assert.ok(clients.text!.split("\n").length < 40, "one page of them");
      assert.ok(clients.replyMarkup, "buttons to the next pages");
    } finally {
      await w.stop();
    }
  },
});
