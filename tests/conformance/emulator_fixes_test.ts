/** Raw regressions of the emulator differences the conformance suite found (docs/emulator.md). */
import assert from "node:assert/strict";
import { world } from "./helpers.ts";

Deno.test("an empty multipart body counts as no body: the query string carries the call", async () => {
  const { emu, user, bot } = await world();
  try {
    const q = new URLSearchParams({ chat_id: String(user.id), text: "from the query" });
    const res = await fetch(`${emu.apiRoot}/bot${bot.token}/sendMessage?${q}`, {
      method: "POST",
      headers: { "content-type": "multipart/form-data; boundary=xyz", "content-length": "0" },
      body: new Uint8Array(0),
    });
    const a = await res.json();
    assert.equal(a.ok, true, a.description);
    assert.equal(a.result.text, "from the query");
  } finally {
    await emu.close();
  }
});

Deno.test("attach:// file parts are not unknown fields", async () => {
  const { emu, user, bot } = await world();
  try {
    const form = new FormData();
    form.set("chat_id", String(user.id));
    form.set(
      "media",
      JSON.stringify([
        { type: "document", media: "attach://f1" },
        { type: "document", media: "attach://f2" },
      ]),
    );
    form.set("f1", new File([new Uint8Array(10)], "a.pdf"));
    form.set("f2", new File([new Uint8Array(20)], "b.pdf"));
    form.set("stray", "x");
    const a = await (await fetch(`${emu.apiRoot}/bot${bot.token}/sendMediaGroup`, {
      method: "POST",
      body: form,
    })).json();
    assert.equal(a.ok, true, a.description);
    assert.equal(a.result.length, 2);
    const call = emu.calls(bot.id).find((c) => c.method === "sendMediaGroup");
    assert.ok(call, "sendMediaGroup is in the call log");
    assert.deepEqual(call.unknownFields, ["stray"]);
  } finally {
    await emu.close();
  }
});
