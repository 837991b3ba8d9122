import assert from "node:assert/strict";
import { fitLines, fitMessage } from "./text_fit.ts";

Deno.test("fitLines keeps what fits and names how many are left out", () => {
  const lines = Array.from({ length: 1000 }, (_, i) => `line ${i}`);
  const out = fitLines(lines, (n) => `… and ${n} more`, 100);
  assert.ok(out.length <= 100);
  assert.ok(out.startsWith("line 0\nline 1"));
  const shown = out.split("\n").filter((l) => l.startsWith("line")).length;
  assert.match(out, new RegExp(`… and ${1000 - shown} more$`));
  assert.equal(fitLines(["a", "b"], () => "more"), "a\nb", "all fit: no tail");
  assert.equal(fitMessage("x".repeat(5000)).length, 4096);
});
