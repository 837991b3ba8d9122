/**
 * The layering check of `deno task check`: reads every relative import of the product (type-only
 * and dynamic ones included) and fails on an import that goes up the layers written in the
 * README's Architecture section, or on a cycle between files.
 *
 * The layers are the README's numbered list under "Layers", lowest first; each item names its
 * folders and files in backticks. A file may import its own layer and the ones below. The
 * paragraph "Apart from the layers:" names code that stands alone: it imports nothing of the
 * layers, and no layer imports it. Files in no layer (tests, scripts, benchmarks) may import
 * anything but still count for cycles.
 *
 * It also keeps Deno KV in `src/storage/`: no other layer imports the key list, opens a KV or
 * calls one with a literal key.
 *
 * Usage: `deno run --allow-read scripts/layers.ts [root]`
 *
 * @module
 */

/**
 * One layer: its number (0 = lowest) and the paths it owns (a folder ends with `/`); an apart
 * one has index -1.
 */
export interface Layer {
  index: number;
  paths: string[];
}

/** One import of one file, resolved to a root-relative path. */
export interface Import {
  from: string;
  to: string;
}

/** The backticked paths (folders ending in `/`, `.ts` files) of a piece of text. */
function pathsIn(text: string): string[] {
  return [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!)
    .filter((p) => /^[\w./-]+$/.test(p) && (p.endsWith("/") || p.endsWith(".ts")));
}

/** Reads the layers out of the README's "Layers" list (lowest first), then the apart ones. */
export function parseLayers(readme: string): Layer[] {
  const section = readme.split(/^## /m).find((s) => s.startsWith("Architecture"));
  if (!section) throw new Error("README has no Architecture section");
  const start = section.search(/^Layers/m);
  if (start < 0) throw new Error("README's Architecture section has no Layers list");
  const layers: Layer[] = [];
  for (const line of section.slice(start).split("\n").slice(1)) {
    const item = line.match(/^\d+\.\s+(.*)$/);
    if (!item) {
      // the list ends at the first line that neither starts an item nor continues one
      if (line.trim() === "" && layers.length > 0) break;
      continue;
    }
    const paths = pathsIn(item[1]!);
    if (paths.length === 0) throw new Error(`layer without paths: ${line}`);
    layers.push({ index: layers.length, paths });
  }
  if (layers.length === 0) throw new Error("README's Layers list is empty");
  const apart = section.match(/^Apart from the layers:([\s\S]*?)(?:\n\s*\n|$)/m);
  if (apart) {
    for (const p of pathsIn(apart[1]!)) layers.push({ index: -1, paths: [p] });
  }
  return layers;
}

const STATIC =
  /^[ \t]*(?:import|export)\s+(?:type\s+)?[\w\s{},*$]*?\bfrom\s*["']([^"']+)["']|^[ \t]*import\s*["']([^"']+)["']/gm;
const DYNAMIC = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** The relative specifiers a source text imports: static, type-only, re-exports, dynamic. */
export function specifiers(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(STATIC)) out.push((m[1] ?? m[2])!);
  for (const m of source.matchAll(DYNAMIC)) out.push(m[1]!);
  return out.filter((s) => s.startsWith("./") || s.startsWith("../"));
}

/** Resolves `spec` imported by the root-relative `file` to a root-relative path. */
export function resolve(file: string, spec: string): string {
  const parts = file.split("/").slice(0, -1);
  for (const seg of spec.split("/")) {
    if (seg === "..") parts.pop();
    else if (seg !== ".") parts.push(seg);
  }
  return parts.join("/");
}

/** The layer owning `file` (longest matching path wins), or undefined for none. */
export function layerOf(layers: Layer[], file: string): Layer | undefined {
  let best: Layer | undefined;
  let bestLen = -1;
  for (const l of layers) {
    for (const p of l.paths) {
      const hit = p.endsWith("/") ? file.startsWith(p) : file === p;
      if (hit && p.length > bestLen) [best, bestLen] = [l, p.length];
    }
  }
  return best;
}

/** Whether `file` is a test (tests may import anything of any layer). */
function isTest(file: string): boolean {
  return file.endsWith("_test.ts");
}

/** The problems of an import graph: wrong-way imports and cycles, one line each. */
export function check(layers: Layer[], imports: Import[]): string[] {
  const problems: string[] = [];
  for (const { from, to } of imports) {
    if (isTest(from)) continue;
    const a = layerOf(layers, from);
    const b = layerOf(layers, to);
    if (!a) continue;
    if (!b) {
      problems.push(`${from} imports ${to}, which is in no layer`);
    } else if ((a.index < 0 || b.index < 0) && a !== b) {
      problems.push(`${from} imports ${to}: code apart from the layers is imported or imports`);
    } else if (b.index > a.index) {
      problems.push(
        `${from} (layer ${a.index + 1}) imports ${to} (layer ${b.index + 1}): a wrong-way import`,
      );
    }
  }
  for (const { path, size } of cycles(imports)) {
    problems.push(`import cycle: ${path.join(" → ")} (${size} files in the circle)`);
  }
  return problems;
}

/** Every circle of files: one path through it back to its start, and how many files it holds. */
function cycles(imports: Import[]): { path: string[]; size: number }[] {
  const next = new Map<string, string[]>();
  for (const { from, to } of imports) {
    if (!next.has(from)) next.set(from, []);
    next.get(from)!.push(to);
  }
  // Tarjan's strongly connected components; recursion depth is bounded by the file count
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: { path: string[]; size: number }[] = [];
  let counter = 0;
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      const self = (next.get(v) ?? []).includes(v);
      if (group.length > 1 || self) {
        found.push({ path: pathThrough(new Set(group), next, v), size: group.length });
      }
    }
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}

/** A shortest cycle from `start` back to itself inside `group` (for a readable message). */
function pathThrough(group: Set<string>, next: Map<string, string[]>, start: string): string[] {
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of next.get(v) ?? []) {
      if (!group.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let x = v; x !== start; x = prev.get(x)!) path.splice(1, 0, x);
        return [...path, start];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

/** Every `.ts` file below `dir` (root-relative, sorted). */
async function sources(root: string, dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string) => {
    for await (const e of Deno.readDir(`${root}/${rel}`)) {
      const p = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory && !e.name.startsWith(".") && e.name !== "node_modules") await walk(p);
      else if (e.isFile && (p.endsWith(".ts") || p.endsWith(".mjs"))) out.push(p);
    }
  };
  await walk(dir);
  return out.sort();
}

/** The folder that alone may touch Deno KV, and the key list no one else may import. */
const STORAGE = "src/storage/";
const KEYS = "src/storage/keys.ts";
/** Opening a KV, or a KV call with a literal key: storage's business. */
const KV_USE =
  /\bDeno\.openKv\(|\.(?:get|getMany|set|delete|list|atomic|watch|enqueue)\(\s*\[\s*["']/;

/**
 * Deno KV stays in storage: outside it (in the layers; tests and scripts are free) nobody
 * imports the key list, opens a KV or calls one with a literal key.
 */
export function kvOutsideStorage(layers: Layer[], file: string, source: string): string[] {
  if (isTest(file) || file.startsWith(STORAGE) || !layerOf(layers, file)) return [];
  const out: string[] = [];
  if (specifiers(source).some((s) => resolve(file, s) === KEYS)) {
    out.push(`${file} imports ${KEYS}: only storage builds KV keys`);
  }
  const line = source.split("\n").findIndex((l) => KV_USE.test(l));
  if (line >= 0) out.push(`${file}:${line + 1} uses Deno KV: only storage touches it`);
  return out;
}

/** Checks the tree at `root` against its README; returns the problems found. */
export async function checkTree(root: string): Promise<string[]> {
  const layers = parseLayers(await Deno.readTextFile(`${root}/README.md`));
  const files = await sources(root, "");
  const known = new Set(files);
  const imports: Import[] = [];
  const problems: string[] = [];
  for (const file of files) {
    const source = await Deno.readTextFile(`${root}/${file}`);
    problems.push(...kvOutsideStorage(layers, file, source));
    for (const spec of specifiers(source)) {
      const to = resolve(file, spec);
      if (!to.endsWith(".ts") && !to.endsWith(".mjs")) continue; // JSON data and the like
      // a test's text may quote an import (this script's own test does)
      if (!known.has(to)) {
        if (!isTest(file)) problems.push(`${file} imports ${spec}, which does not exist`);
        continue;
      }
      imports.push({ from: file, to });
    }
  }
  for (const l of layers) {
    for (const p of l.paths) {
      const exists = p.endsWith("/") ? files.some((f) => f.startsWith(p)) : known.has(p);
      if (!exists) problems.push(`README's layers name ${p}, which is not there`);
    }
  }
  return [...problems, ...check(layers, imports)];
}

if (import.meta.main) {
  const root = Deno.args[0] ?? ".";
  const problems = await checkTree(root);
  for (const p of problems) console.error(p);
  if (problems.length > 0) {
    console.error(`layers: ${problems.length} problem(s); the layers are in README.md`);
    Deno.exit(1);
  }
  console.log("layers: every import goes down the README's layers, no cycles, KV only in storage");
}
