import assert from "node:assert/strict";
import { Pacer, TELEGRAM_LIMITS } from "./pacer.ts";

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
