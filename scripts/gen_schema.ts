/**
 * Derives the facts-only Bot API schema used by the emulator from the shared reference
 * (`../shared/telegram/bot-api.json`) and writes `src/emulator/schema.json`.
 *
 * Descriptions are dropped (the emulator only needs names, types and requiredness) so the
 * committed file stays small and a fresh clone works without `../shared`. The one fact we
 * keep from a description is the constant discriminator of union members ("always
 * \"photo\"", "must be photo"), because nested validation needs it to pick the subtype.
 *
 * Usage: deno run --allow-read --allow-write scripts/gen_schema.ts [source] [target]
 */

interface SrcField {
  name: string;
  types: string[];
  required: boolean;
  description?: string;
}
interface SrcEntry {
  name: string;
  fields?: SrcField[];
  subtypes?: string[];
  returns?: string[];
}
interface SrcDoc {
  version: string;
  methods: Record<string, SrcEntry>;
  types: Record<string, SrcEntry>;
}

/** A field as stored in schema.json. */
export interface SchemaField {
  name: string;
  types: string[];
  required: boolean;
  const?: string;
}

const DISCRIMINATORS = new Set(["type", "status", "source"]);
const CONST_RE = /(?:always|must be)\s+"?([a-z_]+)"?\s*$/;

function convertFields(fields: SrcField[] | undefined, isSubtype: boolean): SchemaField[] {
  return (fields ?? []).map((f) => {
    const out: SchemaField = { name: f.name, types: f.types, required: f.required };
    if (isSubtype && DISCRIMINATORS.has(f.name) && f.description) {
      const m = CONST_RE.exec(f.description.trim());
      if (m?.[1]) out.const = m[1];
    }
    return out;
  });
}

/** Converts the full reference into the facts-only schema. */
export function buildSchema(src: SrcDoc): Record<string, unknown> {
  const subtypeNames = new Set<string>();
  for (const t of Object.values(src.types)) for (const s of t.subtypes ?? []) subtypeNames.add(s);
  const methods: Record<string, unknown> = {};
  for (const [name, m] of Object.entries(src.methods)) {
    methods[name] = { fields: convertFields(m.fields, false), returns: m.returns ?? [] };
  }
  const types: Record<string, unknown> = {};
  for (const [name, t] of Object.entries(src.types)) {
    types[name] = t.subtypes
      ? { subtypes: t.subtypes }
      : { fields: convertFields(t.fields, subtypeNames.has(name)) };
  }
  return { version: src.version, methods, types };
}

if (import.meta.main) {
  const here = new URL(".", import.meta.url);
  const source = Deno.args[0] ?? new URL("../../shared/telegram/bot-api.json", here).pathname;
  const target = Deno.args[1] ?? new URL("../src/emulator/schema.json", here).pathname;
  const src = JSON.parse(await Deno.readTextFile(source)) as SrcDoc;
  const schema = buildSchema(src);
  await Deno.writeTextFile(target, JSON.stringify(schema) + "\n");
  console.log(
    `wrote ${target}: ${Object.keys(src.methods).length} methods, ${
      Object.keys(src.types).length
    } types (${src.version})`,
  );
}
