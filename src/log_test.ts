import assert from "node:assert/strict";
import { createLogger, redact } from "./log.ts";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

Deno.test("log: tokens are redacted from messages, data and errors", () => {
  const lines: string[] = [];
  const log = createLogger("debug", (l) => lines.push(l));
  log.info(`calling https://api.telegram.org/bot${TOKEN}/getMe`, { token: TOKEN });
  log.error("failed", { err: new Error(`bad ${TOKEN}`) });
  assert.equal(lines.length, 2);
  for (const l of lines) assert.ok(!l.includes(TOKEN) && !l.includes("PALDsaw"), l);
  assert.equal(redact(`x ${TOKEN} y`), "x <redacted> y");
});

Deno.test("log: quiet below the level, structured JSON lines", () => {
  const lines: string[] = [];
  const log = createLogger("warn", (l) => lines.push(l));
  log.debug("d");
  log.info("i");
  log.warn("w", { n: 1, bot: "client" });
  assert.equal(lines.length, 1);
  const rec = JSON.parse(lines[0]!);
  assert.equal(rec.level, "warn");
  assert.equal(rec.bot, "client");
  assert.equal(rec.n, 1);
});
