/**
 * The rate pacer's windows in KV, so that they survive a restart.
 *
 * @module
 */
import { K } from "./keys.ts";

/**
 * What the pacer keeps: for each window (`bot:chatId` or `bot:global`) the times of the sends
 * still inside it, as offsets in ms from `base` (wall-clock epoch ms when it was saved).
 * Small by nature: Telegram's limits bound how many sends a window holds (30 a second in all,
 * 20 a minute per group), and empty windows are left out.
 */
export interface PacerSnapshot {
  base: number;
  windows: Record<string, number[]>;
}

/** A {@linkcode PacerSnapshot} store in one KV value. */
export function kvPacerStore(kv: Deno.Kv): {
  load(): Promise<PacerSnapshot | null>;
  save(s: PacerSnapshot): Promise<void>;
} {
  return {
    async load() {
      const v = (await kv.get<PacerSnapshot>(K.pacer())).value;
      // a malformed record only costs the head start it would have given
      if (!v || typeof v.base !== "number" || typeof v.windows !== "object" || !v.windows) {
        return null;
      }
      const windows: Record<string, number[]> = {};
      for (const [k, ts] of Object.entries(v.windows)) {
        if (Array.isArray(ts)) windows[k] = ts.filter((t) => typeof t === "number");
      }
      return { base: v.base, windows };
    },
    async save(s) {
      // a day is far longer than any window: the record does not outlive its use
      await kv.set(K.pacer(), s, { expireIn: 86_400_000 });
    },
  };
}
