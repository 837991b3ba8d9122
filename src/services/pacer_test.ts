import assert from "node:assert/strict";
import { Pacer, type PacerSnapshot, TELEGRAM_LIMITS } from "./pacer.ts";

Deno.test("pacer: a group gets at most its limit per window; waiters are served in order", async () => {
  const pacer = new Pacer({ ...TELEGRAM_LIMITS, timeScale: 0.002 }); // a minute lasts 120 ms
  const served: number[] = [];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: 45 }, (_, i) => pacer.acquire("b", -100, 1).then(() => served.push(i))),
  );
  const took = performance.now() - start;
  assert.deepEqual(served, Array.from({ length: 45 }, (_, i) => i));
  // 45 messages at 20 per 120 ms need two full windows to pass
  assert.ok(took >= 235, `drained too fast: ${took} ms`);
});

Deno.test("pacer: albums book one slot per item", async () => {
  const pacer = new Pacer({ ...TELEGRAM_LIMITS, timeScale: 0.002 });
  const start = performance.now();
  await pacer.acquire("b", -1, 10);
  await pacer.acquire("b", -1, 10);
  assert.ok(performance.now() - start < 60);
  await pacer.acquire("b", -1, 1);
  assert.ok(performance.now() - start >= 115);
});

Deno.test("pacer: an album larger than a private chat's limit goes out once the window is empty", async () => {
  const pacer = new Pacer({ ...TELEGRAM_LIMITS, timeScale: 0.01 }); // a second lasts 10 ms
  await pacer.acquire("b", 5, 1);
  const start = performance.now();
  await pacer.acquire("b", 5, 3);
  assert.ok(performance.now() - start >= 9);
});

Deno.test("pacer: a new pacer restored from the saved windows waits for the old one's sends", async () => {
  let saved: PacerSnapshot | null = null;
  const store = {
    load: () => Promise.resolve(saved),
    save: (s: PacerSnapshot) => {
      saved = s;
      return Promise.resolve();
    },
  };
  const limits = { ...TELEGRAM_LIMITS, timeScale: 0.005 }; // a minute lasts 300 ms
  const first = new Pacer(limits, { store });
  for (let i = 0; i < 20; i++) await first.acquire("b", -100, 1);
  await first.flush();
  assert.equal(saved!.windows["b:-100"]?.length, 20);
  const second = new Pacer(limits, { store });
  await second.restore();
  const start = performance.now();
  await second.acquire("b", -100, 1);
  const waited = performance.now() - start;
  assert.ok(waited >= 200, `the restored window was not full: waited ${waited} ms`);
  await second.flush();
  // a pacer without the saved windows would have sent at once
  const fresh = new Pacer(limits);
  const t0 = performance.now();
  await fresh.acquire("b", -100, 1);
  assert.ok(performance.now() - t0 < 50);
  await fresh.flush();
});
