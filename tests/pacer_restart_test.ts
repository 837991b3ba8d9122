import assert from "node:assert/strict";
import { runRestarts } from "../scripts/restart_load.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };
// a Telegram minute lasts 1.8 s, longer than a restart: the group's window outlives the process;
// 60 messages a minute, more than both bots' 20 a minute each: the windows stay full
const load = { timeScale: 0.03, clients: 3, everyMs: 3_000, runMs: 1_000 };

Deno.test({
  name: "pacer across restarts: ten SIGKILLs under load into one group, at most one 429 each",
  ...sanitize,
  fn: async () => {
    // the same load with the saved windows forgotten at each kill: what restarts met before
    const before = await runRestarts({ ...load, kills: 4, forgetPacer: true });
    const after = await runRestarts({ ...load, kills: 10 });
    const sum = (xs: { r429: number }[]) => xs.reduce((n, x) => n + x.r429, 0);
    // the first entry is the first process, before any kill
    const restarts = (xs: { r429: number }[]) => xs.slice(1);
    const beforeEach = sum(restarts(before)) / restarts(before).length;
    const afterTotal = sum(restarts(after));
    console.log(
      `429s per restart: forgotten windows ${beforeEach.toFixed(1)}, kept windows ${
        (afterTotal / 10).toFixed(1)
      } (${restarts(after).map((s) => s.r429).join(" ")})`,
    );
    // the baseline proves the load meets the wall (about 3 per restart; 2 on a loaded machine)
    assert.ok(beforeEach > 1, `the load should hit the wall without kept windows: ${beforeEach}`);
    assert.ok(afterTotal <= 10, `${afterTotal} 429s after 10 restarts`);
    assert.deepEqual(after.map((s) => s.lost), after.map(() => 0), "nothing lost");
  },
});
