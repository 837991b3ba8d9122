import assert from "node:assert/strict";
import { ConflictError } from "../errors.ts";
import { CONFLICT, retryKv } from "./retry.ts";

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
