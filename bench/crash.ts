/**
 * Crash under load: the service (`main.ts`) killed with SIGKILL ten times in a row while
 * clients keep writing into one ticket group (its 20-a-minute limit is the wall). Per kill
 * we print what was lost, what was sent twice, and the 429 answers the restarted process met.
 *
 * @module
 */
import { runRestarts } from "../scripts/restart_load.ts";
import { fig, type Figure } from "./common.ts";

/** Runs the scenario. */
export async function benchCrash(quick: boolean): Promise<Figure[]> {
  const kills = quick ? 4 : 10;
  const stats = await runRestarts({
    timeScale: 0.03,
    kills,
    clients: 3,
    everyMs: 7_500,
    runMs: 1_000,
  });
  const figs: Figure[] = [];
  // entry 0 is the first process, before any kill; entry k the process started after kill k
  for (const [k, s] of stats.entries()) {
    const who = k === 0 ? "first run" : `kill ${k}`;
    figs.push(fig("crash", `${who}: lost`, s.lost, "msgs", { op: "==", v: 0 }));
    figs.push(fig("crash", `${who}: repeated`, s.repeated, "msgs", { op: "<=", v: 3 }));
    figs.push(fig("crash", `${who}: 429 answers`, s.r429, "calls", { op: "<=", v: 1 }));
  }
  const total = stats.slice(1).reduce((n, s) => n + s.r429, 0);
  figs.push(fig("crash", `429 answers over ${kills} restarts`, total, "calls", {
    op: "<=",
    v: kills,
  }));
  return figs;
}
