import assert from "node:assert/strict";
import { startedMessage, unreachableReason } from "./startup.ts";

Deno.test("unreachableReason names the cause in plain words, never the URL", () => {
  const wrap = (m: string) => new TypeError("fetch failed", { cause: new Error(m) });
  const url = "error sending request for url (http://x/bot1:SECRET/getMe): client error (Connect)";
  assert.equal(
    unreachableReason(wrap(`${url}: tcp connect error: Connection refused`)),
    "connection refused",
  );
  assert.equal(
    unreachableReason(wrap(`${url}: dns error: failed to lookup address information`)),
    "its name does not resolve",
  );
  assert.equal(
    unreachableReason(new DOMException("timed out", "TimeoutError")),
    "no answer in time",
  );
  assert.equal(unreachableReason(wrap("something else")), "no connection");
});

Deno.test("startedMessage points at the settings bot, or the client bot once open", () => {
  assert.match(startedMessage("s_bot", null), /https:\/\/t\.me\/s_bot and press Start/);
  assert.match(startedMessage("s_bot", "c_bot"), /https:\/\/t\.me\/c_bot/);
});
