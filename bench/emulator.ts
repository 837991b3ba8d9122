/**
 * Emulator speed: Bot API calls per second over loopback HTTP with limits off.
 *
 * @module
 */
import { startEmulator } from "../src/emulator/mod.ts";
import { fig, type Figure } from "./common.ts";

/** Runs the scenario. */
export async function benchEmulator(quick: boolean): Promise<Figure[]> {
  const total = quick ? 5_000 : 20_000;
  const concurrency = 32;
  const emu = await startEmulator({ limits: false });
  const bot = emu.createBot({ username: "bench_bot" });
  const owner = emu.createUser({ firstName: "Bench" });
  const group = emu.createGroup({ title: "Bench", ownerId: owner.id });
  emu.setMember(group.id, bot.id, { status: "administrator" });
  const users = Array.from({ length: 100 }, (_, i) => emu.createUser({ firstName: `U${i}` }));
  for (const u of users) emu.userStartBot(u.id, bot.id);
  const run = async (body: (i: number) => [string, Record<string, unknown>]) => {
    let next = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const [method, params] = body(next++);
        const res = await fetch(`${emu.apiRoot}/bot${bot.token}/${method}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(params),
        });
        await res.json();
      }
    }));
    return total / ((performance.now() - t0) / 1000);
  };
  const getMe = await run(() => ["getMe", {}]);
  const send = await run((i) => [
    "sendMessage",
    { chat_id: i % 2 ? group.id : users[i % users.length]!.id, text: `message ${i}` },
  ]);
  await emu.close();
  return [
    fig("emulator", "getMe calls/s", Math.round(getMe), "1/s", { op: ">=", v: 5000 }),
    fig("emulator", "sendMessage calls/s", Math.round(send), "1/s", { op: ">=", v: 5000 }),
  ];
}
