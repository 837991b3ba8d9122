/**
 * The chaos suite from the command line: `deno task chaos [--runs N] [--seed S] [--steps M]
 * [--replay] [--verbose]` or `--sequence '<json>'`. Runs N generated sequences against fresh
 * worlds on the emulator and checks the invariants after each; on a failure prints the seed and the shrunk minimal sequence as
 * readable steps. `--replay` reruns exactly the failing case of `--seed S` (and its path).
 *
 * @module
 */
import { DroppedTraceFilter } from "./chaos_filter.ts";
import { chaos, runAndCheck, type RunStats } from "../tests/chaos/chaos.ts";
import { describeAll } from "../tests/chaos/model.ts";
import type { Mode } from "../tests/chaos/world.ts";

/** `--name value` and `--flag` pairs of the command line. */
function parseArgs(argv: string[]): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith("--")) throw new Error(`Cannot read argument ${a}: expected --name`);
    const [name, inline] = a.slice(2).split("=", 2) as [string, string | undefined];
    const next = argv[i + 1];
    if (inline !== undefined) out[name] = inline;
    else if (next !== undefined && !next.startsWith("--")) out[name] = argv[++i]!;
    else out[name] = true;
  }
  return out;
}
/** Set in the batch's own process when a parent filters its output. */
const CHILD = "CHAOS_QUIET_CHILD";

/**
 * Runs this batch again as a child process and passes its output through without the traces
 * of injected dropped connections (counted in one line at the end); everything else, the
 * failures and the summary included, goes through unchanged. `--verbose` shows all.
 */
async function quietly(): Promise<number> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", import.meta.filename!, ...Deno.args],
    env: { [CHILD]: "1" },
    stdout: "inherit",
    stderr: "piped",
  }).spawn();
  const filter = new DroppedTraceFilter();
  const out = new TextEncoder();
  let rest = "";
  const pass = (line: string) => {
    if (filter.pass(line)) Deno.stderr.writeSync(out.encode(line + "\n"));
  };
  for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
    const lines = (rest + chunk).split("\n");
    rest = lines.pop()!;
    lines.forEach(pass);
  }
  if (rest) pass(rest);
  const { code } = await child.status;
  if (filter.hidden) {
    console.log(
      `(${filter.hidden} traces of injected dropped connections hidden; --verbose shows them)`,
    );
  }
  return code;
}

const raw = parseArgs(Deno.args);
const str = (k: string) => typeof raw[k] === "string" ? raw[k] as string : undefined;
const args = {
  runs: str("runs") ?? "100",
  seed: str("seed"),
  steps: str("steps"),
  path: str("path"),
  mode: str("mode") ?? "polling",
  replay: raw.replay === true,
  verbose: raw.verbose === true,
  kill: str("kill") ?? "stop",
};
if (!args.verbose && !Deno.env.get(CHILD)) Deno.exit(await quietly());
if (args.mode !== "polling" && args.mode !== "webhook") {
  console.error(`Cannot run in mode ${args.mode}: give --mode polling or --mode webhook`);
  Deno.exit(2);
}
const mode = args.mode as Mode;
if (args.kill !== "stop" && args.kill !== "process") {
  console.error(`Cannot kill by ${args.kill}: give --kill stop (in-process) or --kill process`);
  Deno.exit(2);
}
const process = args.kill === "process";
if (str("sequence")) {
  // one exact sequence, as printed on a failure (JSON)
  const steps = JSON.parse(str("sequence")!);
  console.log(describeAll(steps));
  try {
    console.log(JSON.stringify(await runAndCheck(steps, mode, { process })));
    console.log("ok: the sequence keeps every invariant");
    Deno.exit(0);
  } catch (e) {
    console.log(String(e));
    Deno.exit(1);
  }
}
const seed = args.seed !== undefined ? Number(args.seed) : Math.floor(Math.random() * 2 ** 31);
const runs = args.replay ? 1 : Number(args.runs);
const started = performance.now();
const total: RunStats = {
  steps: 0,
  skipped: 0,
  tickets: 0,
  secondDesk: 0,
  clientMessages: 0,
  managerComments: 0,
  presses: 0,
  kills: 0,
  rotations: 0,
};
let done = 0;
console.log(`chaos: seed ${seed}, ${runs} sequence(s), mode ${args.mode}, kill ${args.kill}`);
const d = await chaos({
  runs,
  seed,
  mode,
  process,
  ...(args.steps ? { maxSteps: Number(args.steps) } : {}),
  ...(args.path ? { path: args.path } : {}),
  onFirstFailure: (e) => {
    console.log(`first failure, shrinking it now:\n${e.message}`);
  },
  onRun: (s) => {
    done++;
    for (const k of Object.keys(total) as Array<keyof RunStats>) total[k] += s[k];
    if (args.verbose || done % 10 === 0) {
      console.log(
        `  ${done} passed (shrinking included) (${
          ((performance.now() - started) / 1000).toFixed(0)
        } s)`,
      );
    }
  },
});
const secs = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `steps ${total.steps} (skipped ${total.skipped}), tickets ${total.tickets} (second desk ${total.secondDesk}), ` +
    `customer messages ` +
    `${total.clientMessages}, manager comments ${total.managerComments}, presses ${total.presses}, ` +
    `kills ${total.kills}, token rotations ${total.rotations}`,
);
if (d.failed) {
  console.log(
    `FAILED after ${d.numRuns} sequence(s) in ${secs} s; seed ${d.seed}, path ${d.counterexamplePath}`,
  );
  console.log(`shrunk sequence (${d.numShrinks} shrinks):`);
  console.log(describeAll(d.counterexample?.[0] ?? []));
  console.log(JSON.stringify(d.counterexample?.[0]));
  console.log(String(d.errorInstance).split("\nsteps:")[0]);
  console.log(
    `replay: deno task chaos --mode ${mode} --kill ${args.kill} --seed ${d.seed} --path ${d.counterexamplePath} --replay`,
  );
  Deno.exit(1);
}
console.log(`ok: ${d.numRuns} sequences, 0 invariant violations, ${secs} s`);
Deno.exit(0);
