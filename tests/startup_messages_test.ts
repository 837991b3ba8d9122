/**
 * What `main.ts` says at start-up, run as an admin runs it: a rejected token is one sentence
 * and a non-zero exit, an unreachable Telegram is a countdown line (no hang, no stack trace),
 * and a start says where to go next. Tokens never appear in the output.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../src/emulator/mod.ts";
import { updateSettings } from "../src/storage/settings.ts";
import { until } from "../scripts/until.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };
const UNKNOWN_TOKEN = "999999:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

function spawnMain(env: Record<string, string>): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts"],
    env: { ADMIN_IDS: "1", LOG_LEVEL: "error", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Collects a stream's text in `into.text` as it arrives. */
function collect(stream: ReadableStream<Uint8Array>, into: { text: string }): Promise<void> {
  return stream.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({
      write(chunk) {
        into.text += chunk;
      },
    }),
  );
}

function closedPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

Deno.test({
  name: "a SETTINGS_BOT_TOKEN Telegram rejects is one sentence and a non-zero exit",
  ...sanitize,
  fn: async () => {
    const emu = await startEmulator({ limits: false });
    const dir = await Deno.makeTempDir();
    try {
      const proc = spawnMain({
        TELEGRAM_API_ROOT: emu.apiRoot,
        SETTINGS_BOT_TOKEN: UNKNOWN_TOKEN,
        KV_PATH: `${dir}/kv.sqlite`,
      });
      const out = await proc.output();
      const err = new TextDecoder().decode(out.stderr).trim();
      assert.notEqual(out.code, 0, err);
      assert.equal(
        err,
        "Cannot start: Telegram rejects SETTINGS_BOT_TOKEN (wrong or revoked); " +
          "get the token from @BotFather with /token",
      );
      assert.equal(new TextDecoder().decode(out.stdout).trim(), "");
    } finally {
      await emu.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "an unreachable Telegram is a visible countdown, not a hang or a stack trace",
  ...sanitize,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const apiRoot = `http://127.0.0.1:${closedPort()}`;
    const proc = spawnMain({
      TELEGRAM_API_ROOT: apiRoot,
      SETTINGS_BOT_TOKEN: UNKNOWN_TOKEN,
      KV_PATH: `${dir}/kv.sqlite`,
    });
    const err = { text: "" }, out = { text: "" };
    const reading = Promise.all([collect(proc.stderr, err), collect(proc.stdout, out)]);
    try {
      await until(() => err.text.includes("\n"), "the first line");
      const first = err.text.split("\n")[0]!;
      assert.equal(
        first,
        `Telegram is unreachable at ${apiRoot} (connection refused); retrying in 5 s…`,
      );
      assert.doesNotMatch(err.text + out.text, /\bat .*\.ts:\d+/, "no stack trace");
      assert.ok(!(err.text + out.text).includes(UNKNOWN_TOKEN.split(":")[1]!), "no token");
    } finally {
      proc.kill("SIGTERM");
      await proc.status;
      await reading;
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "a start says where to go next: the settings bot, or the client bot once open",
  ...sanitize,
  fn: async () => {
    const emu = await startEmulator({ limits: false });
    const dir = await Deno.makeTempDir();
    const settingsBot = emu.createBot({ username: "hello_settings_bot" });
    const clientBot = emu.createBot({ username: "hello_client_bot" });
    try {
      const run = async (kvPath: string, want: string) => {
        const proc = spawnMain({
          TELEGRAM_API_ROOT: emu.apiRoot,
          SETTINGS_BOT_TOKEN: settingsBot.token,
          KV_PATH: kvPath,
        });
        const err = { text: "" }, out = { text: "" };
        const reading = Promise.all([collect(proc.stderr, err), collect(proc.stdout, out)]);
        try {
          await until(() => out.text.includes("\n"), `the start line (stderr: ${err.text})`);
          assert.equal(out.text.split("\n")[0], want);
          const all = err.text + out.text;
          for (const t of [settingsBot.token, clientBot.token]) {
            assert.ok(!all.includes(t.split(":")[1]!), "no token printed");
          }
        } finally {
          proc.kill("SIGTERM");
          await proc.status;
          await reading;
        }
      };
      await run(
        `${dir}/fresh.sqlite`,
        "Helpdesk started. Open https://t.me/hello_settings_bot and press Start to set it up.",
      );
      const kv = await Deno.openKv(`${dir}/open.sqlite`);
      await updateSettings(kv, 0, Date.now(), () => ({
        clientBotToken: clientBot.token,
        open: true,
      }));
      kv.close();
      await run(
        `${dir}/open.sqlite`,
        "Helpdesk started and open: customers write to https://t.me/hello_client_bot; " +
          "settings at https://t.me/hello_settings_bot.",
      );
    } finally {
      await emu.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
