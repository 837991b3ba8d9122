/**
 * Footprint: the service (`main.ts`, a separate process) with three bots polling and idle —
 * time from start to all three bots polling, and resident memory.
 *
 * @module
 */
import { startEmulator } from "../src/emulator/mod.ts";
import { fig, type Figure, until } from "./common.ts";

function rssMb(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const kb = Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
  return kb / 1024;
}

/** Runs the scenario. */
export async function benchFootprint(quick: boolean): Promise<Figure[]> {
  const runs = quick ? 2 : 5;
  const emu = await startEmulator({ timeScale: 1 });
  const dir = await Deno.makeTempDir();
  const owner = emu.createUser({ firstName: "Olga" });
  const starts: number[] = [];
  const rss: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      // fresh bots each run: a killed process's long poll would still look like polling
      const bots = ["client", "manager", "settings"].map((k) =>
        emu.createBot({ username: `fp_${k}${i}_bot` })
      );
      const t0 = performance.now();
      const proc = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "main.ts"],
        env: {
          TELEGRAM_API_ROOT: emu.apiRoot,
          SETTINGS_BOT_TOKEN: bots[2]!.token,
          CLIENT_BOT_TOKEN: bots[0]!.token,
          MANAGER_BOT_TOKEN: bots[1]!.token,
          ADMIN_IDS: String(owner.id),
          KV_PATH: `${dir}/kv${i}.sqlite`,
          LOG_LEVEL: "error",
        },
        stdout: "null",
        stderr: "inherit",
      }).spawn();
      await until(() => bots.every((b) => emu.isPolling(b.id)), "three bots polling", 30_000);
      starts.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 2000)); // idle
      rss.push(rssMb(proc.pid));
      proc.kill("SIGTERM");
      await proc.status;
    }
  } finally {
    await emu.close();
    await Deno.remove(dir, { recursive: true });
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return [
    fig("footprint", "start to three bots polling (median)", Math.round(med(starts)), "ms", {
      op: "<=",
      v: 1500,
    }),
    fig("footprint", "resident memory, idle (median)", Math.round(med(rss)), "MB", {
      op: "<=",
      v: 120,
    }),
  ];
}
