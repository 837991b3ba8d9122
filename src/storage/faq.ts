/**
 * Requests solved by a topic's ready answers: the customer's "this solved it" ends their
 * dialogue and is recorded in one atomic operation, so a second press records nothing.
 *
 * @module
 */
import type { Draft } from "./drafts.ts";
import { K } from "./keys.ts";

/**
 * Records that the ready answers of the customer's topic solved their request and ends the
 * dialogue; the topic, or null when the dialogue is not at the ready answers (a stale or
 * repeated press).
 */
export async function solveByFaq(
  kv: Deno.Kv,
  clientId: number,
  at: number,
): Promise<string | null> {
  for (;;) {
    const entry = await kv.get<Draft>(K.draft(clientId));
    const d = entry.value;
    if (d?.stage !== "faq") return null;
    const ok = await kv.atomic().check(entry).delete(K.draft(clientId))
      .set(K.faqSolved(at, clientId), d.topic).commit();
    if (ok.ok) return d.topic;
  }
}

/** Requests solved by ready answers in [from, to), by topic. */
export async function faqSolvedIn(
  kv: Deno.Kv,
  from: number,
  to: number,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const all = K.faqSolvedAll();
  for await (
    const e of kv.list<string>({ start: [...all, from], end: [...all, to] })
  ) out.set(e.value, (out.get(e.value) ?? 0) + 1);
  return out;
}
