/**
 * The settings record and its change log.
 *
 * @module
 */
import { z } from "zod";
import { defaultSettings, type Desk, type LocalText, type Settings } from "../domain/settings.ts";
import { K } from "./keys.ts";
import { kvState } from "./kv_state.ts";
import { CONFLICT, retryKv } from "./retry.ts";

/** One recorded change of the settings (values of token fields are never logged). */
export interface SettingsChange {
  at: number;
  by: number;
  fields: string[];
  /** New values of the changed fields, tokens replaced by a marker. */
  values: Record<string, unknown>;
}

const SECRET_FIELDS = new Set(["clientBotToken", "managerBotToken"]);

/** The further desks as stored: every entry whole, or none is trusted. */
const desksSchema = z.array(z.object({
  id: z.number().int().positive(),
  channelId: z.number().int(),
  groupId: z.number().int(),
  title: z.string(),
  topics: z.array(z.string()),
}));

/** A topic's ready answers as stored apart from the settings record (`K.settingsFaq`). */
interface StoredFaq {
  faq?: string;
  local?: Partial<LocalText>;
}

/**
 * A stored record with the defaults of fields it lacks (older records) and its topics' ready
 * answers (kept apart; an older record's own are read too); desks that do not parse are
 * dropped (with none, tickets go to the main desk) rather than trusted.
 */
function withDefaults(
  stored: Partial<Settings> | null,
  faqs: ReadonlyMap<string, StoredFaq> = new Map(),
): Settings {
  const value = { ...defaultSettings(), ...(stored ?? {}) };
  const desks = desksSchema.safeParse(value.desks);
  value.desks = desks.success ? desks.data satisfies Desk[] : [];
  value.faq = { ...value.faq };
  value.faqLocal = { ...value.faqLocal };
  for (const [topic, f] of faqs) {
    if (f.faq !== undefined) value.faq[topic] = f.faq;
    if (f.local !== undefined) value.faqLocal[topic] = f.local;
  }
  return value;
}

/** The settings record and the ready answers stored apart from it. */
async function readStored(
  kv: Deno.Kv,
): Promise<{ entry: Deno.KvEntryMaybe<Partial<Settings>>; faqs: Map<string, StoredFaq> }> {
  const [entry, faqs] = await Promise.all([
    kv.get<Partial<Settings>>(K.settings()),
    (async () => {
      const out = new Map<string, StoredFaq>();
      for await (const e of kv.list<StoredFaq>({ prefix: K.settingsFaqAll() })) {
        out.set(String(e.key[1]), e.value);
      }
      return out;
    })(),
  ]);
  return { entry, faqs };
}

/** Reads the settings, filling fields missing from older records with defaults. */
export async function getSettings(kv: Deno.Kv): Promise<Settings> {
  const cached = cache(kv);
  if (cached.value && performance.now() - cached.at < CACHE_MS) return cached.value;
  const { entry, faqs } = await readStored(kv);
  const value = withDefaults(entry.value, faqs);
  Object.assign(cached, { value, at: performance.now() });
  return value;
}

/** A topic's ready answers in `s`, as stored apart; null when it has none. */
function faqOf(s: Settings, topic: string): StoredFaq | null {
  const faq = s.faq[topic];
  const local = s.faqLocal[topic];
  if (faq === undefined && local === undefined) return null;
  return { ...(faq !== undefined ? { faq } : {}), ...(local !== undefined ? { local } : {}) };
}

/**
 * Settings are read on every update and every delivery; a short-lived cache per KV handle
 * saves those reads. Changes made in this process are seen at once (the cache is replaced on
 * write); another process sharing the KV sees them within CACHE_MS.
 */
const cache = kvState((): { value: Settings | null; at: number } => ({ value: null, at: 0 }));
const CACHE_MS = 1_000;

/**
 * Applies `patch` (a function of the current settings) atomically and logs who changed what.
 * Returns the new settings.
 */
export async function updateSettings(
  kv: Deno.Kv,
  by: number,
  at: number,
  patch: (s: Settings) => Partial<Settings>,
): Promise<Settings> {
  return await retryKv("update the settings", async () => {
    const { entry, faqs } = await readStored(kv);
    const current = withDefaults(entry.value, faqs);
    const changes = patch(current);
    const fields = Object.keys(changes).filter((f) =>
      JSON.stringify(changes[f as keyof Settings]) !== JSON.stringify(current[f as keyof Settings])
    );
    if (fields.length === 0) return current;
    const next: Settings = { ...current, ...changes, updatedAt: at };
    // every write sets the record, so its check alone guards the answers stored apart too
    const { faq: _faq, faqLocal: _local, ...record } = next;
    const op = kv.atomic().check(entry).set(K.settings(), record);
    // the answers that differ from what is stored apart (an older record's are all written)
    const changed = new Set<string>();
    const topics = new Set([
      ...Object.keys(next.faq),
      ...Object.keys(next.faqLocal),
      ...faqs.keys(),
    ]);
    for (const topic of topics) {
      const after = faqOf(next, topic);
      if (JSON.stringify(after) === JSON.stringify(faqs.get(topic) ?? null)) continue;
      changed.add(topic);
      if (after) op.set(K.settingsFaq(topic), after);
      else op.delete(K.settingsFaq(topic));
    }
    const values: Record<string, unknown> = {};
    for (const f of fields) {
      values[f] = SECRET_FIELDS.has(f)
        ? (changes[f as keyof Settings] ? "<set>" : null)
        : f === "faq" || f === "faqLocal"
        // only the topics that changed: the whole of them is too large for one log record
        ? Object.fromEntries(
          [...changed].map((t) => [t, next[f][t] ?? null]),
        )
        : changes[f as keyof Settings];
    }
    const log: SettingsChange = { at, by, fields, values };
    const res = await op.set(K.settingsLog(at, crypto.randomUUID()), log).commit();
    if (!res.ok) return CONFLICT;
    Object.assign(cache(kv), { value: next, at: performance.now() });
    return next;
  });
}

/** The settings change log, oldest first. */
export async function listSettingsChanges(kv: Deno.Kv): Promise<SettingsChange[]> {
  const out: SettingsChange[] = [];
  for await (const e of kv.list<SettingsChange>({ prefix: K.settingsLogAll() })) out.push(e.value);
  return out;
}

/** Bootstrap values from the environment; each fills its setting only while that is empty. */
export interface Bootstrap {
  clientBotToken?: string;
  managerBotToken?: string;
  channelId?: number;
}

/** Fills empty settings from bootstrap values; what an admin set in KV always wins. */
export function applyBootstrap(kv: Deno.Kv, boot: Bootstrap, at: number): Promise<Settings> {
  return updateSettings(kv, 0, at, (s) => ({
    ...(s.clientBotToken === null && boot.clientBotToken
      ? { clientBotToken: boot.clientBotToken }
      : {}),
    ...(s.managerBotToken === null && boot.managerBotToken
      ? { managerBotToken: boot.managerBotToken }
      : {}),
    ...(s.channelId === null && boot.channelId !== undefined ? { channelId: boot.channelId } : {}),
  }));
}
