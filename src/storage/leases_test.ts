import assert from "node:assert/strict";
import { releaseLease, renewLeases, takeLease } from "./leases.ts";

Deno.test("leases: one owner at a time; a lease that runs out is taken over and its owner told", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    assert.deepEqual(await takeLease(kv, "7:group", "a", 1_000, 100), { taken: true });
    assert.deepEqual(await takeLease(kv, "7:group", "b", 1_050, 100), {
      taken: false,
      until: 1_100,
    });
    // renewed by its owner, it holds past its first end
    assert.deepEqual(await renewLeases(kv, ["7:group"], "a", 1_080, 100), []);
    assert.equal((await takeLease(kv, "7:group", "b", 1_150, 100)).taken, false);
    // a dead owner stops renewing: taken over after its end, and the old owner learns it
    assert.deepEqual(await takeLease(kv, "7:group", "b", 1_181, 100), { taken: true });
    assert.deepEqual(await renewLeases(kv, ["7:group"], "a", 1_190, 100), ["7:group"]);
    // only the holder gives it up
    await releaseLease(kv, "7:group", "a");
    assert.equal((await takeLease(kv, "7:group", "c", 1_200, 100)).taken, false);
    await releaseLease(kv, "7:group", "b");
    assert.deepEqual(await takeLease(kv, "7:group", "c", 1_200, 100), { taken: true });
  } finally {
    kv.close();
  }
});
