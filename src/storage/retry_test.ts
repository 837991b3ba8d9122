import assert from "node:assert/strict";
import { ConflictError } from "../errors.ts";
import { CONFLICT, isBusy, retryBusyWrites, retryKv } from "./retry.ts";

Deno.test("retryKv: tries again on a conflict and on a busy database, then answers", async () => {
  const seen: string[] = [];
  const r = await retryKv("do it", () => {
    seen.push("try");
    if (seen.length === 1) return Promise.resolve(CONFLICT);
    if (seen.length === 2) return Promise.reject(new TypeError("database is locked"));
    return Promise.resolve(42);
  });
  assert.equal(r, 42);
  assert.equal(seen.length, 3);
});

Deno.test("retryKv: bounded — gives up with a ConflictError or the fallback", async () => {
  let n = 0;
  await assert.rejects(
    retryKv("change ticket #7", () => (n++, Promise.resolve(CONFLICT)), { attempts: 4 }),
    (e: unknown) =>
      e instanceof ConflictError &&
      e.message === "Cannot change ticket #7: too many concurrent changes",
  );
  assert.equal(n, 4);
  const fallback = await retryKv("x", () => Promise.resolve(CONFLICT), {
    attempts: 2,
    exhausted: () => "used",
  });
  assert.equal(fallback, "used");
});

Deno.test("retryKv: any other error goes to the caller at once", async () => {
  let n = 0;
  await assert.rejects(
    retryKv("x", () => (n++, Promise.reject(new TypeError("database or disk is full")))),
    /disk is full/,
  );
  assert.equal(n, 1);
});

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
          if (!isBusy(e)) throw e;
          busy++;
        }
        await kv.set(["last"], done).catch((e) => {
          if (!isBusy(e)) throw e;
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

Deno.test("retryBusyWrites: writes from several handles on one KV file all land, none is refused", async () => {
  // without the wrapper the file's lock is met (the check below can fail)
  const bare = await hammer((kv) => kv);
  assert.equal(bare.total, 450, "atomic checks hold across handles");
  const wrapped = await hammer(retryBusyWrites);
  assert.equal(wrapped.total, 450);
  assert.equal(wrapped.busy, 0, "no write was refused with 'database is locked'");
});
