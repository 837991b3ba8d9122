import assert from "node:assert/strict";
import { cleanTyped, isolateTyped } from "./names.ts";

Deno.test("names: bidi controls and zero-width characters go, the rest is isolated and cut", () => {
  assert.equal(cleanTyped("Bob\u202Enoitcurtsni\u202C"), "Bobnoitcurtsni");
  assert.equal(cleanTyped(" A\u200B\u200Bnna \u2066x\u2069 "), "Anna x");
  assert.equal(isolateTyped("Мария"), "\u2068Мария\u2069");
  assert.equal(isolateTyped("محمد"), "\u2068محمد\u2069", "right-to-left names are kept");
  const long = isolateTyped("x".repeat(200), 64);
  assert.equal([...long].length, 64 + 2);
  assert.ok(long.endsWith("…\u2069"));
  assert.equal(isolateTyped("\u200B\u202E"), "\u2068\u2069", "an invisible-only name is empty");
});
