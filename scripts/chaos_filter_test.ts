import assert from "node:assert/strict";
import { DroppedTraceFilter } from "./chaos_filter.ts";

Deno.test("chaos output: dropped connections' traces are hidden and counted, the rest shown", () => {
  const f = new DroppedTraceFilter();
  const lines = [
    "Error: connection dropped by emulator fault",
    "    at Object.start (file:///x/src/emulator/http.ts:196:17)",
    "    at handleApi (file:///x/src/emulator/http.ts:68:12)",
    "Error: the connection broke",
    "    at proxy (file:///x/tests/chaos/world.ts:255:43)",
    "Deno.serve: request.signal aborts on successful responses, see …",
    "1 invariant(s) broke:",
    "- ticket #3: the client's message 2 is not in the thread",
    "Error: something else failed",
    "    at run (file:///x/src/app.ts:1:1)",
  ];
  assert.deepEqual(lines.filter((l) => f.pass(l)), [
    "1 invariant(s) broke:",
    "- ticket #3: the client's message 2 is not in the thread",
    "Error: something else failed",
    "    at run (file:///x/src/app.ts:1:1)",
  ]);
  assert.equal(f.hidden, 2);
});
