/**
 * Throughput of the emulator over loopback HTTP with limits off.
 *
 * Usage: deno run --allow-net scripts/emulator_bench.ts [--calls 20000] [--concurrency 32]
 */
import { startEmulator } from "../src/emulator/mod.ts";

function flag(name: string, def: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : def;
}

const total = flag("calls", 20_000);
const concurrency = flag("concurrency", 32);
const emu = await startEmulator({ limits: false });
const bot = emu.createBot({ username: "bench_bot" });
const owner = emu.createUser({ firstName: "Bench" });
const group = emu.createGroup({ title: "Bench", ownerId: owner.id });
emu.setMember(group.id, bot.id, { status: "administrator" });
const users = Array.from({ length: 100 }, (_, i) => emu.createUser({ firstName: `U${i}` }));
for (const u of users) emu.userStartBot(u.id, bot.id);

async function run(label: string, body: (i: number) => [string, Record<string, unknown>]) {
  let next = 0;
  let failed = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      const i = next++;
      const [method, params] = body(i);
      const res = await fetch(`${emu.apiRoot}/bot${bot.token}/${method}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(params),
      });
      const j = await res.json();
      if (!j.ok) failed++;
    }
  }));
  const s = (performance.now() - t0) / 1000;
  console.log(
    `${label}: ${total} calls in ${s.toFixed(2)} s = ${Math.round(total / s)} calls/s` +
      (failed ? ` (${failed} failed)` : ""),
  );
}

await run("getMe", () => ["getMe", {}]);
await run("sendMessage", (i) => [
  "sendMessage",
  { chat_id: i % 2 ? group.id : users[i % users.length]!.id, text: `message ${i}` },
]);
await emu.close();
