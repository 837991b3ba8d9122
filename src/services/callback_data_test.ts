import assert from "node:assert/strict";
import {
  btn,
  clientButton,
  deskButton,
  parseButton,
  parseClientButton,
  parseDeskButton,
  parsePostButton,
  postButton,
} from "./callback_data.ts";

Deno.test("callback data: every family round-trips, under one rule for ids and length", () => {
  assert.deepEqual(parsePostButton(postButton("take", 12)), { action: "take", ticket: 12 });
  assert.deepEqual(parseClientButton(clientButton({ type: "rate", ticket: 7, score: 5 })), {
    type: "rate",
    ticket: 7,
    score: 5,
  });
  assert.deepEqual(parseDeskButton(deskButton({ type: "card", ticket: 3 })), {
    type: "card",
    ticket: 3,
  });
  assert.deepEqual(parseButton(btn("mgr_rm", 42)), { action: "mgr_rm", args: ["42"] });
  // ids are digits only in every family: no exponent, sign or zero
  for (const forged of ["p:take:1e3", "p:take:+5", "p:take:0", "c:close:-1", "m:t:0x10"]) {
    assert.equal(
      parsePostButton(forged) ?? parseClientButton(forged) ?? parseDeskButton(forged),
      null,
    );
  }
  // over Telegram's 64 bytes is forged in every family
  const long = `p:take:${"1".repeat(60)}`;
  assert.ok(new TextEncoder().encode(long).length > 64);
  assert.equal(parsePostButton(long), null);
  assert.equal(parseButton(`s:menu:${"a".repeat(20)}:${"b".repeat(20)}:${"c".repeat(20)}`), null);
});
