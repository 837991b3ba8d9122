import assert from "node:assert/strict";
import { parseConfig } from "./config.ts";
import { ConfigError } from "./errors.ts";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const CLIENT_TOKEN = "111111111:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDcli";
const base = { SETTINGS_BOT_TOKEN: TOKEN, ADMIN_IDS: "111,222" };

function rejects(env: Record<string, string>, ...names: string[]): string {
  try {
    parseConfig(env);
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    for (const n of names) assert.match(e.message, new RegExp(`\\b${n}\\b`), e.message);
    for (const v of Object.values(env)) {
      if (/^\d+:/.test(v)) assert.ok(!e.message.includes(v), "a token leaked into the message");
      if (/^\d+:.{8}/.test(v)) assert.ok(!e.message.includes(v.slice(-8)), "token tail leaked");
    }
    return e.message;
  }
  assert.fail(`accepted ${JSON.stringify(Object.keys(env))}`);
}

Deno.test("config: defaults for a minimal valid environment", () => {
  const c = parseConfig(base);
  assert.equal(c.apiRoot, "https://api.telegram.org");
  assert.deepEqual(c.adminIds, [111, 222]);
  assert.equal(c.mode, "polling");
  assert.equal(c.webhook, null);
  assert.equal(c.logLevel, "warn");
  assert.equal(c.kvPath, "./data/helpdesk.sqlite");
  assert.deepEqual(c.bootstrap, {});
});

Deno.test("config: missing required variables are each named", () => {
  const msg = rejects({}, "SETTINGS_BOT_TOKEN");
  assert.match(msg, /SETTINGS_BOT_TOKEN is required/);
  assert.match(msg, /in \.env; see \.env\.example/);
  // the empty lines of a copied .env.example are unset, not "not a bot token"
  const empty = rejects({ SETTINGS_BOT_TOKEN: "", ADMIN_IDS: "1" }, "SETTINGS_BOT_TOKEN");
  assert.match(empty, /SETTINGS_BOT_TOKEN is required/);
});

Deno.test("config: each invalid variable is rejected and named, tokens never printed", () => {
  rejects({ ...base, SETTINGS_BOT_TOKEN: "12345:short" }, "SETTINGS_BOT_TOKEN");
  rejects(
    { ...base, SETTINGS_BOT_TOKEN: "not a token SECRETSECRETSECRETSECRET" },
    "SETTINGS_BOT_TOKEN",
  );
  rejects({ ...base, ADMIN_IDS: "abc" }, "ADMIN_IDS");
  rejects({ ...base, TELEGRAM_API_ROOT: "not a url" }, "TELEGRAM_API_ROOT");
  rejects({ ...base, BOT_MODE: "carrier-pigeon" }, "BOT_MODE");
  rejects({ ...base, LOG_LEVEL: "loud" }, "LOG_LEVEL");
  rejects({ ...base, PORT: "70000" }, "PORT");
  rejects({ ...base, CLIENT_BOT_TOKEN: "987654:xyzSECRETxyz" }, "CLIENT_BOT_TOKEN");
  rejects(
    { ...base, MANAGER_BOT_TOKEN: "oops:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
    "MANAGER_BOT_TOKEN",
  );
  rejects({ ...base, MANAGERS_CHANNEL: "my channel" }, "MANAGERS_CHANNEL");
  rejects({ ...base, DEFAULT_LANGUAGE: "de" }, "DEFAULT_LANGUAGE");
  assert.equal(parseConfig(base).defaultLang, "en");
  assert.equal(parseConfig({ ...base, DEFAULT_LANGUAGE: "ru" }).defaultLang, "ru");
  // one bot, two roles: two pollers of one token fight, /start of the owner reaches clients
  let m = rejects({ ...base, CLIENT_BOT_TOKEN: TOKEN }, "CLIENT_BOT_TOKEN", "SETTINGS_BOT_TOKEN");
  assert.match(m, /same bot/);
  m = rejects(
    { ...base, MANAGER_BOT_TOKEN: "123456789:AAnotherSecretOfTheSameBot0000000" },
    "MANAGER_BOT_TOKEN",
  );
  assert.match(m, /same bot as SETTINGS_BOT_TOKEN/);
  rejects({
    ...base,
    CLIENT_BOT_TOKEN: "555:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    MANAGER_BOT_TOKEN: "555:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
  }, "MANAGER_BOT_TOKEN");
  // an @username used to pass and then be ignored
  rejects({ ...base, MANAGERS_CHANNEL: "@my_channel" }, "MANAGERS_CHANNEL");
});

Deno.test("config: a webhook port Telegram refuses is rejected, its four ports pass", () => {
  const hook = { ...base, BOT_MODE: "webhook", WEBHOOK_SECRET: "s".repeat(20) };
  rejects({ ...hook, WEBHOOK_URL: "https://helpdesk.example.com:8080" }, "WEBHOOK_URL");
  for (const port of ["", ":443", ":80", ":88", ":8443"]) {
    const c = parseConfig({ ...hook, WEBHOOK_URL: `https://helpdesk.example.com${port}` });
    assert.ok(c.webhook, `port ${port || "default"} is accepted`);
  }
});

Deno.test("config: several bad variables are reported together in one message", () => {
  const msg = rejects(
    { SETTINGS_BOT_TOKEN: "1:x", ADMIN_IDS: "x", BOT_MODE: "webhook" },
    "SETTINGS_BOT_TOKEN",
    "ADMIN_IDS",
    "WEBHOOK_URL",
    "WEBHOOK_SECRET",
  );
  assert.equal(msg.split("\n").length, 1);
});

Deno.test("config: webhook fields are required only in webhook mode", () => {
  rejects({ ...base, BOT_MODE: "webhook" }, "WEBHOOK_URL", "WEBHOOK_SECRET");
  rejects(
    {
      ...base,
      BOT_MODE: "webhook",
      WEBHOOK_URL: "http://x.example",
      WEBHOOK_SECRET: "s".repeat(20),
    },
    "WEBHOOK_URL",
  );
  const c = parseConfig({
    ...base,
    BOT_MODE: "webhook",
    WEBHOOK_URL: "https://helpdesk.example.com/",
    WEBHOOK_SECRET: "s".repeat(20),
  });
  assert.deepEqual(c.webhook, { url: "https://helpdesk.example.com", secret: "s".repeat(20) });
  assert.equal(parseConfig({ ...base, WEBHOOK_URL: "https://x.example" }).webhook, null);
});

Deno.test("config: bootstrap values are typed and optional", () => {
  const c = parseConfig({
    ...base,
    CLIENT_BOT_TOKEN: CLIENT_TOKEN,
    MANAGER_BOT_TOKEN: "222222222:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDmgr",
    MANAGERS_CHANNEL: "-1001234567890",
    KV_PATH: ":memory:",
  });
  assert.equal(c.bootstrap.clientBotToken, CLIENT_TOKEN);
  assert.equal(c.bootstrap.managersChannel, "-1001234567890");
  assert.equal(c.kvPath, ":memory:");
});

Deno.test("config: on Deno Deploy an unset KV_PATH means the project's own KV", () => {
  assert.equal(parseConfig({ ...base, DENO_DEPLOYMENT_ID: "abc123" }).kvPath, null);
  assert.equal(
    parseConfig({ ...base, DENO_DEPLOYMENT_ID: "abc123", KV_PATH: "x.db" }).kvPath,
    "x.db",
  );
  assert.equal(parseConfig(base).kvPath, "./data/helpdesk.sqlite");
});

Deno.test("config: ADMIN_IDS is optional (a fresh install is claimed by link)", () => {
  assert.deepEqual(parseConfig({ SETTINGS_BOT_TOKEN: TOKEN }).adminIds, []);
  assert.deepEqual(parseConfig({ SETTINGS_BOT_TOKEN: TOKEN, ADMIN_IDS: " , " }).adminIds, []);
});
