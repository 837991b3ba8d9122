/**
 * Reading ticket messages for a text search: newest tickets first, a bounded number of
 * records per search, long texts read back whole.
 *
 * @module
 */
import type { MessageRecord } from "../domain/records.ts";
import { K } from "./keys.ts";
import { getMessage } from "./tickets.ts";

/**
 * Message records of every ticket, the newest ticket first (messages of a ticket newest
 * first), at most `max` of them; `more` tells whether the scan stopped at the limit.
 */
export async function scanMessages(
  kv: Deno.Kv,
  max: number,
  visit: (m: MessageRecord) => boolean | void,
): Promise<{ scanned: number; more: boolean }> {
  let scanned = 0;
  for await (const e of kv.list<MessageRecord>({ prefix: K.messages() }, { reverse: true })) {
    if (scanned >= max) return { scanned, more: true };
    scanned++;
    const m = e.value.textParts
      ? await getMessage(kv, e.value.ticket, e.value.seq) ?? e.value
      : e.value;
    if (visit(m) === false) return { scanned, more: true };
  }
  return { scanned, more: false };
}
