/**
 * The Deno Deploy rehearsal as a benchmark (see scripts/deploy_rehearsal.ts): three webhook
 * instances of `main.ts` on one KV file behind a random router, customers and a manager
 * writing both ways, instances SIGKILLed and replaced mid-load, the client bot's token rotated
 * through one of them, the minute job on all at once, the client bot stopped and started again
 * through one of them.
 *
 * @module
 */
import { runDeployRehearsal } from "../scripts/deploy_rehearsal.ts";
import { fig, type Figure } from "./common.ts";

/** Runs the scenario. */
export async function benchDeploy(quick: boolean): Promise<Figure[]> {
  const o = {
    timeScale: 0.02,
    instances: 3,
    clients: quick ? 5 : 10,
    rounds: quick ? 12 : 30,
    everyMs: 3_000,
    kills: quick ? 1 : 2,
    rotateAt: quick ? 3 : 8,
    drainTimeoutMs: 300_000,
  };
  const r = await runDeployRehearsal(o);
  // every customer message a comment of its own by one bot in the one group: 20 a minute, 3
  // Telegram s apiece; what the load's own duration did not cover is the least that drain can
  // take (below 1: the capacity levers, coalescing and the second writer, as in `burst`)
  const minimum = Math.max(
    0,
    (r.toThreads.sent * 3_000 - o.rounds * o.everyMs) * o.timeScale,
  );
  const s = "deploy";
  const all = r.toThreads.sent + r.toCustomers.sent;
  return [
    fig(s, "instances killed and replaced", r.kills, "of 3 running"),
    fig(s, "messages both ways", all, "msgs"),
    fig(s, "lost", r.toThreads.lost + r.toCustomers.lost, "msgs", { op: "==", v: 0 }),
    fig(s, "duplicated", r.toThreads.duplicated + r.toCustomers.duplicated, "msgs", {
      op: "<=",
      v: r.kills,
    }),
    fig(s, "out of order", r.toThreads.outOfOrder + r.toCustomers.outOfOrder, "pairs", {
      op: "==",
      v: 0,
    }),
    fig(s, "drain time after the load", r.drainMs, "ms"),
    fig(s, "minimum the group's limit allows", Math.round(minimum), "ms"),
    fig(s, "drain / minimum", Math.round((r.drainMs / minimum) * 1000) / 1000, "x"),
    fig(s, "429 answers", r.r429, "calls"),
    fig(s, "settings bot answered /status", r.settingsAnswered ? 1 : 0, "bool", { op: "==", v: 1 }),
    fig(s, "client bot token rotated mid-load", r.rotated ? 1 : 0, "bool", { op: "==", v: 1 }),
    fig(s, "stop via one instance held by all", r.stopHeld ? 1 : 0, "bool", {
      op: "==",
      v: 1,
    }),
    fig(s, "start via one instance, all serve", r.startedAgain ? 1 : 0, "bool", { op: "==", v: 1 }),
    fig(s, "errors logged", r.errors.length, "lines", { op: "==", v: 0 }),
    // an instance restarting between the revocation and the new token reads the old one
    fig(s, "starts refused mid-rotation", r.rotationRefusals, "lines"),
  ];
}
