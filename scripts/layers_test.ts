import assert from "node:assert/strict";
import { checkTree, parseLayers, specifiers } from "./layers.ts";

const README = `# x

## Architecture

Layers, lowest first.

1. \`src/domain/\` — pure rules.
2. \`src/storage/\` — KV.
3. \`src/bots/\`, \`main.ts\` — the top.

Apart from the layers: \`src/emulator/\` — alone.

## Next
`;

/** Writes a tree of files (path → text) into a new temporary folder. */
async function tree(files: Record<string, string>): Promise<string> {
  const root = await Deno.makeTempDir();
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(`${root}/${path.split("/").slice(0, -1).join("/")}`, { recursive: true });
    await Deno.writeTextFile(`${root}/${path}`, text);
  }
  return root;
}

const GOOD = {
  "README.md": README,
  "src/domain/a.ts": "export const a = 1;\n",
  "src/storage/b.ts": 'import { a } from "../domain/a.ts";\nexport const b = a;\n',
  "src/bots/c.ts": 'import type { b } from "../storage/b.ts";\nexport type C = typeof b;\n',
  "src/emulator/e.ts": "export const e = 1;\n",
  "main.ts": 'import "./src/bots/c.ts";\n',
  "tests/t_test.ts": 'import "../src/emulator/e.ts";\nimport "../src/bots/c.ts";\n',
};

Deno.test("layers: the README's list is read lowest first, the apart paths after", () => {
  const layers = parseLayers(README);
  assert.deepEqual(layers.map((l) => [l.index, l.paths]), [
    [0, ["src/domain/"]],
    [1, ["src/storage/"]],
    [2, ["src/bots/", "main.ts"]],
    [-1, ["src/emulator/"]],
  ]);
});

Deno.test("layers: static, type-only, re-exported, multi-line and dynamic imports are all read", () => {
  const src = [
    'import { x } from "./a.ts";',
    'import type { Y } from "../b.ts";',
    'export { z } from "./c.ts";',
    'export type * from "./d.ts";',
    "import {\n  p,\n  type Q,\n} from './e.ts';",
    'import "./f.ts";',
    'const m = await import("./g.ts");',
    'type T = import("./h.ts").T;',
    'import { Bot } from "grammy";',
  ].join("\n");
  assert.deepEqual(specifiers(src).sort(), [
    "../b.ts",
    "./a.ts",
    "./c.ts",
    "./d.ts",
    "./e.ts",
    "./f.ts",
    "./g.ts",
    "./h.ts",
  ]);
});

Deno.test("layers: a tree whose imports go down passes", async () => {
  assert.deepEqual(await checkTree(await tree(GOOD)), []);
});

Deno.test("layers: a planted wrong-way import fails, type-only ones included", async () => {
  const root = await tree({
    ...GOOD,
    "src/domain/a.ts": 'import type { C } from "../bots/c.ts";\nexport const a = 1;\n',
  });
  const problems = await checkTree(root);
  assert.ok(problems.some((p) => p.includes("src/domain/a.ts (layer 1) imports src/bots/c.ts")));
});

Deno.test("layers: a planted cycle fails, inside one layer too", async () => {
  const root = await tree({
    ...GOOD,
    "src/storage/b.ts": 'import "./b2.ts";\nexport const b = 1;\n',
    "src/storage/b2.ts": 'import type { b } from "./b.ts";\nexport type B = typeof b;\n',
  });
  const problems = await checkTree(root);
  assert.ok(
    problems.some((p) => p.startsWith("import cycle: src/storage/b.ts → src/storage/b2.ts")),
  );
});

Deno.test("layers: code apart from the layers neither imports nor is imported by them", async () => {
  const into = await checkTree(
    await tree({ ...GOOD, "src/bots/c.ts": 'import "../emulator/e.ts";\n' }),
  );
  assert.ok(into.some((p) => p.includes("src/bots/c.ts imports src/emulator/e.ts")));
  const out = await checkTree(
    await tree({ ...GOOD, "src/emulator/e.ts": 'import "../domain/a.ts";\n' }),
  );
  assert.ok(out.some((p) => p.includes("src/emulator/e.ts imports src/domain/a.ts")));
});

Deno.test("layers: a layer path that is not in the tree or a missing import target fails", async () => {
  const root = await tree({ ...GOOD, "src/bots/c.ts": 'import "../storage/gone.ts";\n' });
  const problems = await checkTree(root);
  assert.ok(problems.some((p) => p.includes("../storage/gone.ts, which does not exist")));
  const { ["main.ts"]: _, ...noMain } = GOOD;
  assert.ok((await checkTree(await tree(noMain))).some((p) => p.includes("main.ts, which is not")));
});

Deno.test("layers: Deno KV outside storage fails: the key list, opening a KV, a literal key", async () => {
  const root = await tree({
    ...GOOD,
    "src/storage/keys.ts": "export const K = {};\n",
    "src/bots/c.ts": 'import { K } from "../storage/keys.ts";\nexport const c = K;\n',
    "src/bots/d.ts": 'export const d = (kv: Deno.Kv) => kv.get(["meta", "probe"]);\n',
    "src/bots/e.ts": "export const e = () => Deno.openKv();\n",
  });
  const problems = await checkTree(root);
  assert.ok(
    problems.includes("src/bots/c.ts imports src/storage/keys.ts: only storage builds KV keys"),
  );
  assert.ok(problems.includes("src/bots/d.ts:1 uses Deno KV: only storage touches it"));
  assert.ok(problems.includes("src/bots/e.ts:1 uses Deno KV: only storage touches it"));
});

Deno.test("layers: this project's tree passes", async () => {
  assert.deepEqual(await checkTree(new URL("..", import.meta.url).pathname), []);
});
