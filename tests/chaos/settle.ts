/**
 * When a chaos world has settled: nothing of the service's work is left in KV or at Telegram,
 * and no bot has made a new call for a few rounds. Steps wait for it in between; the
 * invariants are checked only on a settled world.
 *
 * @module
 */
import { getClient } from "../../src/storage/people.ts";
import { getTicket } from "../../src/storage/tickets.ts";
import type { ChaosWorld, WorldBot } from "./world.ts";

/** Real-time sleep. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The callback data of a message's inline keyboard. */
export const dataOf = (markup: unknown): string[] =>
  ((markup as { inline_keyboard?: Array<Array<{ callback_data?: string }>> } | undefined)
    ?.inline_keyboard ?? []).flat().map((b) => b.callback_data ?? "").filter(Boolean);

/** Waits until nothing moves: no update waiting, no job, album or post left, no new call. */
export async function settle(
  w: ChaosWorld,
  stopped: ReadonlySet<WorldBot> = new Set(),
  logs: readonly string[] = [],
  timeoutMs = 30_000,
): Promise<void> {
  const end = performance.now() + timeoutMs;
  let last = "";
  let stable = 0;
  let seen: unknown[] = [];
  const bots = [w.clientBot, w.managerBot, w.settingsBot];
  while (stable < 3) {
    if (performance.now() > end) {
      // what a person needs to see why: the jobs left and each bot's last calls
      const jobs: string[] = [];
      for await (const e of w.kv.list({ prefix: ["outbox"] })) {
        jobs.push(`${JSON.stringify(e.key)} ${JSON.stringify(e.value).slice(0, 300)}`);
      }
      const calls = bots.map((b) =>
        w.emu.calls(b.id).filter((c) => c.method !== "getUpdates").slice(-4)
          .map((c) => `${c.method} ${c.ok ? "ok" : `${c.errorCode} ${c.description}`}`).join(", ")
      );
      const states = ((await w.app()?.supervisor.status()) ?? []).map((b) =>
        `${b.kind} ${b.state}`
      );
      const tickets: string[] = [];
      for await (
        const e of w.kv.list<{ number: number; postId?: number; threadId?: number }>({
          prefix: ["ticket"],
        })
      ) {
        tickets.push(`#${e.value.number} post ${e.value.postId} thread ${e.value.threadId}`);
      }
      jobs.push(`tickets: ${tickets.join(", ")}`, `log: ${logs.slice(-5).join("\n")}`);
      throw new Error(
        `the world did not settle in ${timeoutMs} ms (${last}); jobs: ${jobs.join("; ")}; ` +
          `last calls (client, manager, settings): ${calls.join(" | ")}; bots: ${
            states.join(", ")
          }`,
      );
    }
    await sleep(20);
    // bounded: while a bot's token is revoked the outbox keeps a job of it in hand, retrying
    // until the new token is in (webhook mode takes the updates that make such jobs)
    await Promise.race([w.idle(), sleep(1_000)]);
    const left: string[] = [];
    // while a bot is stopped, posts, threads and the copies that need them may wait for it
    // (both bots write in the channel and the group): parked until the admin starts it, after
    // which the run settles completely before anything is checked
    const parked = stopped.size > 0;
    // what a bot received and has not handled yet waits while it is off (stopped, or its
    // token revoked and the service restarted meanwhile): handled once it runs again
    const intakes = ([["client", w.clientBot], ["manager", w.managerBot]] as const)
      .filter(([, b]) => !stopped.has(b)).map(([name]) => ["intake", name]);
    for (
      const prefix of [
        ...intakes,
        ["intake", "settings"],
        // an album is handed on by the client bot: while it is off, its albums wait for it
        ...(stopped.has(w.clientBot) ? [] : [["album"]]),
        ...(parked ? [] : [[
          "post_dirty",
        ]]),
      ]
    ) {
      for await (const e of w.kv.list({ prefix }, { limit: 1 })) left.push(JSON.stringify(e.key));
    }
    // a post whose automatic forward Telegram has not delivered yet (a late one): its thread
    // is still to come
    if (!parked) {
      for await (
        const e of w.kv.list<{ postId?: number; threadId?: number }>({ prefix: ["ticket"] })
      ) {
        if (e.value.postId && !e.value.threadId) {
          left.push(`thread of ${JSON.stringify(e.key)}`);
          break;
        }
      }
    }
    // jobs to a customer who blocked the bot wait for the unblock: parked, not moving
    for await (const e of w.kv.list({ prefix: ["outbox"] })) {
      const [, n, lane] = e.key as [string, number, string];
      if (parked) continue;
      const tk = lane === "client" ? await getTicket(w.kv, n) : null;
      if (tk && (await getClient(w.kv, tk.clientId))?.unreachable) continue;
      left.push(JSON.stringify(e.key));
      break;
    }
    // the newest call that is not a poll, by identity (polls run every few ms at this scale)
    const lastCall = (id: number) => w.emu.calls(id).findLast((x) => x.method !== "getUpdates");
    const calls = bots.map((b) => lastCall(b.id));
    const drained = bots.every((b) => stopped.has(b) || w.drained(b));
    const fp = `${left.join()}|${drained}|${calls.map((c) => c?.method).join()}`;
    const same = calls.every((c, i) => c === seen[i]);
    seen = calls;
    if (left.length === 0 && drained && same) stable++;
    else stable = 0;
    last = fp;
  }
}
