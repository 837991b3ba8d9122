import assert from "node:assert/strict";
import { K } from "./keys.ts";
import { upsertClient } from "./people.ts";

const profile = { id: 7, firstName: "Ann", lastName: "Lee", username: "ann", lang: "en" as const };

Deno.test("people: a client's unchanged profile is not written again; a changed one is", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await upsertClient(
      kv,
      profile,
      1_000,
      (c) => ({ blocked: { at: 5, by: 1 } }) satisfies Partial<typeof c>,
    );
    const first = await kv.get(K.client(7));
    assert.ok(first.versionstamp);
    // the same profile (the nested `blocked` kept as it is): nothing written
    const same = await upsertClient(kv, profile, 2_000);
    assert.deepEqual(same.blocked, { at: 5, by: 1 });
    assert.equal((await kv.get(K.client(7))).versionstamp, first.versionstamp);
    // a field gone (no last name any more): written, and the field is dropped
    const { lastName: _l, ...noLast } = profile;
    const dropped = await upsertClient(kv, noLast, 3_000);
    assert.equal("lastName" in dropped, false);
    const second = await kv.get<{ lastName?: string }>(K.client(7));
    assert.notEqual(second.versionstamp, first.versionstamp);
    assert.equal(second.value?.lastName, undefined);
    // a value changed: written
    await upsertClient(kv, { ...noLast, username: "ann2" }, 4_000);
    const third = await kv.get<{ username?: string }>(K.client(7));
    assert.notEqual(third.versionstamp, second.versionstamp);
    assert.equal(third.value?.username, "ann2");
  } finally {
    kv.close();
  }
});
