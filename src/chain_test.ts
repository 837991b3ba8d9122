import assert from "node:assert/strict";
import { KeyedChain, KeyedRunner } from "./chain.ts";

Deno.test("chain: work of one key runs in order, other keys side by side, failures stay apart", async () => {
  const c = new KeyedChain();
  const log: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => release = r);
  const a1 = c.run("a", async () => {
    await gate;
    log.push("a1");
    throw new Error("a1 failed");
  });
  const a2 = c.run("a", () => (log.push("a2"), Promise.resolve(2)));
  const b1 = c.run("b", () => (log.push("b1"), Promise.resolve(1)));
  assert.equal(await b1, 1);
  assert.deepEqual(log, ["b1"], "b does not wait for a");
  release();
  await assert.rejects(a1, /a1 failed/);
  assert.equal(await a2, 2, "a2 runs after a1 although a1 failed");
  assert.deepEqual(log, ["b1", "a1", "a2"]);
  await c.idle();
});

Deno.test("chain: idle waits for work queued while waiting", async () => {
  const c = new KeyedChain();
  const done: number[] = [];
  void c.run("k", async () => {
    await Promise.resolve();
    done.push(1);
    void c.run("k", () => (done.push(2), Promise.resolve()));
  });
  await c.idle();
  assert.deepEqual(done, [1, 2]);
});

Deno.test("a kick at any moment of a run's end is never lost", async () => {
  // the kick lands `depth` microtasks after the run's work settled: one of these depths is the
  // moment between the runner's last look for more work and its leaving
  for (let depth = 0; depth < 12; depth++) {
    const runner = new KeyedRunner((_k, e) => {
      throw e;
    });
    let release!: () => void;
    const gate = new Promise<void>((r) => release = r);
    let runs = 0;
    const work = async () => {
      runs++;
      if (runs === 1) await gate;
    };
    runner.kick("k", work);
    let p: Promise<unknown> = gate;
    for (let i = 0; i < depth; i++) p = p.then(() => {});
    const kicked = p.then(() => runner.kick("k", work));
    release();
    await kicked;
    await runner.idle();
    assert.equal(runs, 2, `kick ${depth} microtasks after the work settled was lost`);
  }
});
