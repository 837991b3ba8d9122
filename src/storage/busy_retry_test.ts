import assert from "node:assert/strict";
import { isBusyError, retryBusyWrites } from "./busy_retry.ts";

/** Two handles on one file hammering one counter: what two processes on one KV file do. */
async function hammer(wrap: (kv: Deno.Kv) => Deno.Kv): Promise<{ total: number; busy: number }> {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/kv.sqlite`;
  const handles = [await Deno.openKv(path), await Deno.openKv(path), await Deno.openKv(path)];
  let busy = 0;
  try {
    await Promise.all(handles.map(async (raw) => {
      const kv = wrap(raw);
      for (let done = 0; done < 150;) {
        const cur = await kv.get<number>(["n"]);
        try {
          const r = await kv.atomic().check(cur).set(["n"], (cur.value ?? 0) + 1).commit();
          if (r.ok) done++;
        } catch (e) {
          if (!isBusyError(e)) throw e;
          busy++;
        }
        await kv.set(["last"], done).catch((e) => {
          if (!isBusyError(e)) throw e;
          busy++;
        });
      }
    }));
    const total = (await handles[0]!.get<number>(["n"])).value ?? 0;
    return { total, busy };
  } finally {
    for (const h of handles) h.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("busy retry: writes from several handles on one KV file all land, none is refused", async () => {
  // without the wrapper the file's lock is met (the check below can fail)
  const bare = await hammer((kv) => kv);
  assert.equal(bare.total, 450, "atomic checks hold across handles");
  const wrapped = await hammer(retryBusyWrites);
  assert.equal(wrapped.total, 450);
  assert.equal(wrapped.busy, 0, "no write was refused with 'database is locked'");
});
