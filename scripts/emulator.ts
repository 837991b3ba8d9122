/**
 * Standalone Telegram Bot API emulator (deno task emulator): loads a world file, starts the
 * emulator and prints how to point a bot at it. See "Use it for your own bot" in
 * docs/emulator.md.
 *
 * Usage: deno run --allow-net --allow-read scripts/emulator.ts [--world world.json]
 *   [--port 8081] [--time-scale 1] [--no-limits]
 * Without --world it starts the helpdesk's world (scripts/worlds/helpdesk.json).
 */
import helpdesk from "./worlds/helpdesk.json" with { type: "json" };
import { startEmulator } from "../src/emulator/mod.ts";
import {
  applyWorld,
  formatSummary,
  loadWorldFile,
  parseWorld,
  WorldFileError,
} from "../src/emulator/world_file.ts";

function flag(name: string): string | undefined {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

function num(name: string): number | undefined {
  const v = flag(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v === "" || !Number.isFinite(n) || n < 0) {
    console.error(`--${name} must be a number, got "${v}"`);
    Deno.exit(2);
  }
  return n;
}

if (Deno.args.includes("--help") || Deno.args.includes("-h")) {
  console.log(
    "Usage: deno task emulator [--world world.json] [--port 8081] [--time-scale 1] [--no-limits]",
  );
  Deno.exit(0);
}

const path = flag("world");
let spec;
try {
  spec = path ? await loadWorldFile(path) : parseWorld(helpdesk, "scripts/worlds/helpdesk.json");
} catch (e) {
  if (!(e instanceof WorldFileError)) throw e;
  console.error(e.message);
  Deno.exit(1);
}
const limits = Deno.args.includes("--no-limits") ? false : spec.options.limits ?? true;
const timeScale = num("time-scale") ?? spec.options.time_scale ?? 1;
const emu = await startEmulator({
  port: num("port") ?? spec.options.port ?? 8081,
  timeScale,
  limits,
  autoForwardDelay: { min: 50, max: 300 },
  log: (l) => console.log(`[emulator] ${l}`),
  // Why: a bot on this machine takes its webhook at http://127.0.0.1:<any port>/ (docs).
  webhookPorts: "any",
});
let world;
try {
  world = applyWorld(emu, spec);
} catch (e) {
  console.error(`Cannot load ${path ?? "the world"}: ${e instanceof Error ? e.message : e}`);
  await emu.close();
  Deno.exit(1);
}
console.log(formatSummary(world, {
  apiRoot: emu.apiRoot,
  timeScale,
  limits,
  description: spec.description,
}));
console.log("\nCtrl+C stops the emulator.");
Deno.addSignalListener("SIGINT", async () => {
  await emu.close();
  Deno.exit(0);
});
