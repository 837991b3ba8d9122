import assert from "node:assert/strict";
import { startEmulator, type ViewMessage } from "../src/emulator/mod.ts";
import { updateSettings } from "../src/storage/settings.ts";
import { assertNoAnomalies } from "./emulator/anomaly_check.ts";
import { until } from "../scripts/until.ts";
import { helpdeskChats, registerManagers, T_G } from "../scripts/service_world.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name:
    "crash: the service killed with SIGKILL mid-burst loses nothing, keeps order, repeats at most the send in flight",
  ...sanitize,
  fn: async () => {
    const scale = 0.02;
    const emu = await startEmulator({ timeScale: scale, limits: true });
    const dir = await Deno.makeTempDir();
    const kvPath = `${dir}/kv.sqlite`;
    const owner = emu.createUser({ firstName: "Olga", languageCode: "ru" });
    const clientBot = emu.createBot({ username: "crash_client_bot" });
    const managerBot = emu.createBot({ username: "crash_manager_bot" });
    const settingsBot = emu.createBot({ username: "crash_settings_bot" });
    const { channelId, groupId } = helpdeskChats(emu, owner.id, [clientBot, managerBot], T_G);
    const maria = emu.createUser({ firstName: "Maria" });
    emu.setMember(groupId, maria.id, { status: "member" });
    const kv = await Deno.openKv(kvPath);
    await updateSettings(kv, 0, Date.now(), () => ({
      clientBotToken: clientBot.token,
      managerBotToken: managerBot.token,
      channelId,
      groupId,
      open: true,
      always: true,
    }));
    await registerManagers(kv, [{ id: maria.id, name: "Maria" }], owner.id, 0);
    kv.close();

    const start = () =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "main.ts"],
        env: {
          TELEGRAM_API_ROOT: emu.apiRoot,
          SETTINGS_BOT_TOKEN: settingsBot.token,
          ADMIN_IDS: String(owner.id),
          KV_PATH: kvPath,
          LOG_LEVEL: Deno.env.get("TEST_LOG") ? "warn" : "error",
          TELEGRAM_TIME_SCALE: String(scale),
        },
        stdout: "null",
        stderr: "inherit",
      }).spawn();

    let proc = start();
    try {
      const clients = [0, 1, 2].map((i) =>
        emu.createUser({ firstName: `C${i}`, languageCode: "ru" })
      );
      const view = (u: { id: number }) => emu.view(u.id, clientBot.id);
      const roots: number[] = [];
      for (const [i, c] of clients.entries()) {
        emu.userStartBot(c.id, clientBot.id);
        await until(() => view(c).length >= 2, "greeting");
        emu.userSend(c.id, clientBot.id, { text: "/new" });
        await until(() => view(c).some((m) => /тему/.test(m.text ?? "")), "topic");
        emu.userSend(c.id, clientBot.id, { text: `Тема ${i}` });
        await until(() => view(c).some((m) => /Тема: Тема/.test(m.text ?? "")), "prompt");
        emu.userSend(c.id, clientBot.id, { text: "q" });
        await until(() => view(c).some((m) => /#\d+ ·/.test(m.text ?? "")), "header");
        const n = Number(
          view(c).find((m) => /#\d+ ·/.test(m.text ?? ""))!.text!.match(/#(\d+)/)![1],
        );
        let root: number | undefined;
        await until(() => {
          const post = emu.view(owner.id, channelId).find((m) => m.text?.includes(`#${n}\n`));
          root = post ? emu.threadRootOf(channelId, post.id)?.messageId : undefined;
          return root !== undefined && emu.threadView(groupId, root).length >= 2;
        }, "thread");
        roots.push(root!);
      }
      // comments by either bot (the manager bot writes texts too when the client bot's budget
      // is spent); a coalesced comment carries several client messages, one per line
      const thread = (i: number): ViewMessage[] =>
        emu.threadView(groupId, roots[i]!).filter((m) =>
          m.id !== roots[i] && (m.sender.id === clientBot.id || m.sender.id === managerBot.id)
        );
      const partsOf = (m: ViewMessage): string[] => {
        const text = m.text ?? "";
        return /^\d\d:\d\d:\d\d /.test(text) ? text.split("\n").map((l) => l.slice(9)) : [text];
      };
      const burst = (from: number, to: number) => {
        for (let k = from; k < to; k++) {
          for (const [i, c] of clients.entries()) {
            emu.userSend(c.id, clientBot.id, { text: `c${i}-${k}` });
            emu.userSend(maria.id, groupId, { text: `m${i}-${k}` }, { replyTo: roots[i]! });
          }
        }
      };
      burst(0, 8);
      await until(
        () => clients.some((_, i) => thread(i).length >= 3),
        "part of the burst delivered",
      );
      proc.kill("SIGKILL");
      await proc.status;
      burst(8, 12);
      proc = start();
      const want = (prefix: string) => Array.from({ length: 12 }, (_, k) => `${prefix}-${k}`);
      await until(
        () =>
          clients.every((c, i) =>
            new Set(thread(i).flatMap(partsOf).filter((t) => t.startsWith("c"))).size >= 12 &&
            new Set(view(c).map((m) => m.text ?? "").filter((t) => /^#\d+\nm/.test(t))).size >= 12
          ),
        "everything delivered after the restart",
        60_000,
      ).catch((e) => {
        for (const [i, c] of clients.entries()) {
          console.error(`thread ${i}:`, thread(i).map((m) => m.text).join(" | "));
          console.error(`client ${i}:`, view(c).map((m) => m.text?.replace("\n", "|")).join(" "));
        }
        throw e;
      });
      await new Promise((r) => setTimeout(r, 300));
      // Nothing lost, nothing out of order. A send whose answer came back in the instant
      // before the kill, but whose record was not yet written, is sent again (at least once):
      // at most one such repeat per lane, right after itself.
      let repeats = 0;
      const check = (got: string[], expected: string[], what: string) => {
        const dedup = got.filter((t, k) => t !== got[k - 1]);
        repeats += got.length - dedup.length;
        assert.deepEqual(dedup, expected, what);
      };
      for (const [i, c] of clients.entries()) {
        // a coalesced comment sent again after the kill may carry more parts than the first
        // time (what arrived meanwhile): a repeat is a comment with a part seen before, at most
        // one per lane, and the parts' first occurrences are all, in order
        const seen = new Set<string>();
        const firsts: string[] = [];
        for (const m of thread(i)) {
          const ps = partsOf(m).filter((t) => t !== "q");
          if (ps.some((t) => seen.has(t))) repeats++;
          for (const t of ps) if (!seen.has(t)) firsts.push(t), seen.add(t);
        }
        assert.deepEqual(firsts, want(`c${i}`), `thread ${i}`);
        const got = view(c).map((m) => m.text ?? "").filter((t) => /^#\d+\nm/.test(t)).map((t) =>
          t.split("\n")[1]!
        );
        check(got, want(`m${i}`), `client ${i}`);
      }
      assert.ok(repeats <= 6, `${repeats} repeats for 6 lanes`);
    } finally {
      proc.kill("SIGTERM");
      await proc.status;
      await emu.close();
      await Deno.remove(dir, { recursive: true });
      assertNoAnomalies(emu);
    }
  },
});
