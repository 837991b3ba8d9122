/**
 * The service (`main.ts`, a real process on a KV file) killed with SIGKILL again and again
 * under a steady load of client messages into one ticket group, against the emulator with
 * Telegram's limits on. Per kill it counts what was lost, what was sent twice, and the 429
 * answers Telegram gave. Used by the restart test and the crash benchmark.
 *
 * @module
 */
import { serviceWorld } from "./service_world.ts";
import { startEmulator, type ViewMessage } from "../src/emulator/mod.ts";
import { K } from "../src/storage/keys.ts";
import { until } from "./until.ts";

/** Options of {@linkcode runRestarts}. */
export interface RestartOptions {
  /** Real seconds per Telegram second. */
  timeScale: number;
  /** How many times the service is killed and started again. */
  kills: number;
  /** Tickets, each with its client writing steadily. */
  clients: number;
  /** Telegram ms between two messages of one client. */
  everyMs: number;
  /** Real ms the service runs between a start and the next kill. */
  runMs: number;
  /** Forget the pacer's saved windows at each kill (what a restart was before they were kept). */
  forgetPacer?: boolean;
}

/** What happened around one kill: from its start to the next kill. */
export interface KillStats {
  /** Messages written while that process ran that never reached the group. */
  lost: number;
  /** Extra copies of those messages in the group. */
  repeated: number;
  /** 429 answers Telegram gave that process (all its bots). */
  r429: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs the scenario; one {@linkcode KillStats} per kill (the last entry covers the final run
 * that drains everything).
 */
export async function runRestarts(o: RestartOptions): Promise<KillStats[]> {
  const emu = await startEmulator({ timeScale: o.timeScale, limits: true });
  const dir = await Deno.makeTempDir();
  const kvPath = `${dir}/kv.sqlite`;
  const world = await serviceWorld(emu, {
    kvPath,
    prefix: "restart",
    timeScale: o.timeScale,
    withManager: true,
  });
  const { owner, channelId, groupId, start } = world;
  const { client: clientBot } = world.bots;
  const bots = [world.bots.client, world.bots.manager, world.bots.settings];
  const r429 = () => bots.reduce((n, b) => n + emu.tooManyRequests(b.id), 0);

  let proc = start();
  let writer: ReturnType<typeof setInterval> | undefined;
  try {
    const clients = Array.from(
      { length: o.clients },
      (_, i) => emu.createUser({ firstName: `C${i}`, languageCode: "ru" }),
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
      const n = Number(view(c).find((m) => /#\d+ ·/.test(m.text ?? ""))!.text!.match(/#(\d+)/)![1]);
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
    const writers = new Set([clientBot.id, world.bots.manager.id]);
    const thread = (i: number): ViewMessage[] =>
      emu.threadView(groupId, roots[i]!).filter((m) =>
        m.id !== roots[i] && writers.has(m.sender.id)
      );
    const partsOf = (m: ViewMessage): string[] => {
      const text = m.text ?? "";
      return /^\d\d:\d\d:\d\d /.test(text) ? text.split("\n").map((l) => l.slice(9)) : [text];
    };

    // the steady load: each client writes every `everyMs`, tagged with the run it was written in
    let run = 0;
    const written: string[][] = Array.from({ length: o.kills + 1 }, () => []);
    let k = 0;
    const tick = () => {
      for (const [i, c] of clients.entries()) {
        const text = `r${run}-c${i}-${k}`;
        written[run]!.push(text);
        emu.userSend(c.id, clientBot.id, { text });
      }
      k++;
    };
    const tickMs = o.everyMs * o.timeScale;
    writer = setInterval(tick, tickMs);
    const seen429: number[] = [];
    let from = r429();
    for (; run < o.kills; run++) {
      await sleep(o.runMs);
      proc.kill("SIGKILL");
      await proc.status;
      seen429.push(r429() - from);
      from = r429();
      if (o.forgetPacer) {
        const kv = await Deno.openKv(kvPath);
        await kv.delete(K.pacer());
        kv.close();
      }
      proc = start();
    }
    clearInterval(writer);
    writer = undefined;
    const all = written.flat();
    await until(
      () => {
        const got = new Set(roots.flatMap((_, i) => thread(i).flatMap(partsOf)));
        return all.every((t) => got.has(t));
      },
      "everything delivered after the last restart",
      120_000,
    ).catch(() => {}); // what is missing is counted as lost
    await sleep(300);
    seen429.push(r429() - from);
    const counts = new Map<string, number>();
    for (const [i] of roots.entries()) {
      for (const t of thread(i).flatMap(partsOf)) counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    return written.map((texts, r) => ({
      lost: texts.filter((t) => !counts.has(t)).length,
      repeated: texts.reduce((n, t) => n + Math.max(0, (counts.get(t) ?? 0) - 1), 0),
      r429: seen429[r] ?? 0,
    }));
  } finally {
    if (Deno.env.get("RESTART_DEBUG")) {
      for (const b of bots) {
        for (const c of emu.calls(b.id)) {
          if (c.errorCode === 429) {
            console.error(b.username, c.method, c.params.chat_id, c.description, c.time % 100000);
          }
        }
      }
    }
    if (writer !== undefined) clearInterval(writer);
    proc.kill("SIGTERM");
    await proc.status;
    await emu.close();
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  const forget = Deno.args.includes("--forget");
  const stats = await runRestarts({
    timeScale: 0.03,
    kills: 10,
    clients: 3,
    everyMs: 7_500,
    runMs: 1_000,
    forgetPacer: forget,
  });
  console.log(stats);
}
