/**
 * What every message of a client reads first: their record, their dialogue state and their
 * flood meter, in one round trip instead of three (it is on every relayed message's path;
 * each read is a round trip to KV's one SQLite thread).
 *
 * @module
 */
import type { Client } from "../domain/records.ts";
import type { Draft } from "./drafts.ts";
import { K } from "./keys.ts";
import type { FloodMeter } from "./sla.ts";

/** The records read, with versionstamps where a later write checks them. */
export interface ClientInputs {
  /** For `upsertClient`'s first attempt. */
  client: Deno.KvEntryMaybe<Client>;
  draft: Draft | null;
  /** For `countClientMessage`'s first attempt. */
  flood: Deno.KvEntryMaybe<FloodMeter>;
}

/** Reads a client's record, dialogue state and flood meter at once. */
export async function readClientInputs(kv: Deno.Kv, clientId: number): Promise<ClientInputs> {
  const [client, draft, flood] = await kv.getMany<[Client, Draft, FloodMeter]>([
    K.client(clientId),
    K.draft(clientId),
    K.flood(clientId),
  ]);
  return { client, draft: draft.value, flood };
}
