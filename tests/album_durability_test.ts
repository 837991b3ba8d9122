import { serviceWorld } from "../scripts/service_world.ts";
import assert from "node:assert/strict";
import { Api } from "grammy";
import { startEmulator, type ViewMessage } from "../src/emulator/mod.ts";
import { until } from "../scripts/until.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

async function count(kv: Deno.Kv, prefix: Deno.KvKey): Promise<number> {
  let n = 0;
  for await (const _ of kv.list({ prefix })) n++;
  return n;
}

Deno.test({
  name:
    "album durability: an album killed with SIGKILL at receipt or in its window arrives once, whole, after the restart (polling)",
  ...sanitize,
  fn: async () => {
    const scale = 0.02;
    const emu = await startEmulator({ timeScale: scale, limits: true });
    const dir = await Deno.makeTempDir();
    const kvPath = `${dir}/kv.sqlite`;
    const world = await serviceWorld(emu, {
      kvPath,
      prefix: "alb",
      timeScale: scale,
      withManager: false,
    });
    const { owner, channelId, groupId, start } = world;
    const clientBot = world.bots.client;
    const kv = await Deno.openKv(kvPath);

    let proc = start();
    try {
      const c = emu.createUser({ firstName: "C", languageCode: "ru" });
      const view = () => emu.view(c.id, clientBot.id);
      emu.userStartBot(c.id, clientBot.id);
      await until(() => view().length >= 2, "greeting");
      emu.userSend(c.id, clientBot.id, { text: "/new" });
      await until(() => view().some((m) => /тему/.test(m.text ?? "")), "topic");
      emu.userSend(c.id, clientBot.id, { text: "Тема" });
      await until(() => view().some((m) => /Тема: Тема/.test(m.text ?? "")), "prompt");
      emu.userSend(c.id, clientBot.id, { text: "q" });
      await until(() => view().some((m) => /#\d+ ·/.test(m.text ?? "")), "header");
      const n = Number(view().find((m) => /#\d+ ·/.test(m.text ?? ""))!.text!.match(/#(\d+)/)![1]);
      let root: number | undefined;
      await until(() => {
        const post = emu.view(owner.id, channelId).find((m) => m.text?.includes(`#${n}\n`));
        root = post ? emu.threadRootOf(channelId, post.id)?.messageId : undefined;
        // the question's copy too: the albums' copies are counted from after it
        return root !== undefined &&
          emu.threadView(groupId, root).some((m) => m.sender.id === clientBot.id && m.text === "q");
      }, "thread with the question");
      const thread = (): ViewMessage[] =>
        emu.threadView(groupId, root!).filter((m) => m.id !== root && m.sender.id === clientBot.id);

      // where the kill falls: the parts reached the service (handled or not, their offset
      // perhaps not confirmed: Telegram delivers them again), or they were handled, Telegram
      // forgot them, and the album waits out its window (what an in-memory collector lost)
      const api = new Api(clientBot.token, { apiRoot: emu.apiRoot });
      let sentAt = 0;
      const killPoints: Array<[string, () => Promise<boolean>]> = [
        ["at receipt", () =>
          Promise.resolve(
            emu.calls(clientBot.id).some((c) => c.method === "getUpdates" && c.time > sentAt),
          )],
        ["in the window", async () =>
          (await count(kv, ["album"])) > 0 &&
          (await api.getWebhookInfo()).pending_update_count === 0],
      ];
      for (const [i, [point, ready]] of killPoints.entries()) {
        // earlier deliveries recorded: a kill between a send and its record repeats the send
        // (the outbox delivers at least once), which is not what this test is about
        await until(async () => (await count(kv, ["outbox"])) === 0, "outbox drained");
        const before = thread().length;
        sentAt = Date.now();
        emu.userSendAlbum(c.id, clientBot.id, [
          { photo: {}, caption: `a${i}` },
          { photo: {} },
          { photo: {} },
        ]);
        await until(ready, `kill point ${point}`);
        proc.kill("SIGKILL");
        await proc.status;
        const handedOn = thread().length > before;
        proc = start();
        await until(
          () => thread().length >= before + 3,
          `album ${point} after the restart`,
          60_000,
        );
        // no late duplicate: give a second window and a lease time to do harm
        await new Promise((r) => setTimeout(r, 2_500));
        const copies = thread().slice(before);
        assert.equal(
          copies.length,
          3,
          `${point}: exactly one album of 3 (handed on before: ${handedOn}): ${
            JSON.stringify(copies.map((m) => [m.id, m.caption ?? m.text, m.mediaGroupId]))
          }`,
        );
        const group = copies[0]!.mediaGroupId;
        assert.ok(group, `${point}: the copies form an album`);
        assert.ok(copies.every((m) => m.mediaGroupId === group), `${point}: one media group`);
        assert.equal(copies[0]!.caption, `a${i}`, `${point}: in order`);
        assert.equal(await count(kv, ["album"]), 0, `${point}: no parts left behind`);
      }
    } finally {
      proc.kill("SIGTERM");
      await proc.status;
      kv.close();
      await emu.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
