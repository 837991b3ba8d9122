/**
 * One rule of who may change a ticket, on every path: post buttons (also forged from a private
 * chat), thread commands and the manager bot's desk.
 */
import assert from "node:assert/strict";
import { getTicket } from "../src/storage/tickets.ts";
import { clientOpensTicket, managerSays, startWorld } from "./harness.ts";

Deno.test("a manager cannot close, reopen or block a colleague's ticket by any path", async () => {
  const w = await startWorld();
  try {
    const [maria, ivan] = w.managers;
    const alice = await w.newClient("Alice");
    const n = await clientOpensTicket(w, alice.id, "Оплата", "Деньги не пришли");
    const post = (await getTicket(w.kv, n))!.postId!;
    const press = (who: number, data: string, chat = w.channelId, msg = post, forged = false) => {
      const q = w.emu.userPressButton(who, chat, msg, data, { forged });
      return w.until(() => w.emu.callbackAnswer(q) !== undefined, `answer to ${data}`).then(() =>
        String(w.emu.callbackAnswer(q)?.text ?? "")
      );
    };
    assert.match(await press(maria!.id, `p:take:${n}`), /#\d+/);
    await w.until(async () => (await getTicket(w.kv, n))?.managerId === maria!.id, "taken");

    // Ivan presses close under the post: refused, the ticket stays Maria's and open
    assert.match(await press(ivan!.id, `p:close:${n}`), /ведёт другой менеджер/);
    // the same data pressed in Ivan's private chat with the manager bot: refused as forged
    w.emu.userStartBot(ivan!.id, w.managerBot.id);
    await w.until(() => w.emu.view(ivan!.id, w.managerBot.id).length >= 2, "Ivan's desk");
    const inPrivate = w.emu.view(ivan!.id, w.managerBot.id).at(-1)!.id;
    assert.match(
      await press(ivan!.id, `p:close:${n}`, w.managerBot.id, inPrivate, true),
      /только под постом/,
    );
    // and as a thread command
    managerSays(w, ivan!.id, n, { text: "/close" });
    managerSays(w, ivan!.id, n, { text: "/block спам" });
    await w.until(
      async () =>
        (await w.thread(n)).filter((m) => /ведёт другой менеджер/.test(m.text ?? "")).length >= 2,
      "both refusals in the thread",
    );
    const tk = (await getTicket(w.kv, n))!;
    assert.equal(tk.status, "in_progress");
    assert.equal(tk.managerId, maria!.id);
    const { getClient } = await import("../src/storage/people.ts");
    const client = await getClient(w.kv, alice.id);
    assert.ok(client, "the client exists");
    assert.equal(client.blocked, null, "not blocked by Ivan");

    // Maria may, from her post
    assert.match(await press(maria!.id, `p:close:${n}`), /#\d+/);
    await w.until(async () => (await getTicket(w.kv, n))?.status === "closed", "closed by Maria");
    assert.match(await press(ivan!.id, `p:reopen:${n}`), /ведёт другой менеджер/);
    assert.equal((await getTicket(w.kv, n))?.status, "closed");
  } finally {
    await w.stop();
  }
});
