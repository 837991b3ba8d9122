/** Shared helpers for the emulator tests. */
import { type Emulator, startEmulator } from "../../src/emulator/mod.ts";

/** Answer of a raw Bot API call. */
export interface Answer {
  ok: boolean;
  result?: unknown;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number };
}

/** Calls a Bot API method with a JSON body. */
export async function api(
  emu: Emulator,
  token: string,
  method: string,
  params: Record<string, unknown> = {},
): Promise<Answer> {
  const res = await fetch(`${emu.apiRoot}/bot${token}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
  });
  return await res.json();
}

/** Calls a method and returns result, throwing on ok:false. */
export async function ok<T = Record<string, unknown>>(
  emu: Emulator,
  token: string,
  method: string,
  params: Record<string, unknown> = {},
): Promise<T> {
  const a = await api(emu, token, method, params);
  if (!a.ok) throw new Error(`${method}: ${a.error_code} ${a.description}`);
  return a.result as T;
}

/** A small world: owner, client, two admin bots, channel linked to a group. */
export async function scenario(opts: Parameters<typeof startEmulator>[0] = {}) {
  const emu = await startEmulator({ limits: false, timeScale: 0.01, ...opts });
  const owner = emu.createUser({ firstName: "Olga", username: "owner" });
  const client = emu.createUser({ firstName: "Carl", username: "carl" });
  const clientBot = emu.createBot({ username: "client_bot" });
  const managerBot = emu.createBot({ username: "manager_bot" });
  const channel = emu.createChannel({ title: "Tickets", ownerId: owner.id });
  const group = emu.createGroup({ title: "Tickets chat", ownerId: owner.id });
  emu.linkDiscussion(channel.id, group.id);
  for (const b of [clientBot, managerBot]) {
    emu.setMember(channel.id, b.id, { status: "administrator" });
    emu.setMember(group.id, b.id, { status: "administrator" });
  }
  // Start from empty queues: the my_chat_member updates of the setup are not under test.
  for (const b of [clientBot, managerBot]) await drain(emu, b.token);
  return { emu, owner, client, clientBot, managerBot, channel, group };
}

/** Drains a bot's queued updates via getUpdates (confirming them). */
export async function drain(emu: Emulator, token: string): Promise<Record<string, unknown>[]> {
  const ups = await ok<{ update_id: number }[]>(emu, token, "getUpdates", { timeout: 0 });
  if (ups.length) {
    await ok(emu, token, "getUpdates", { offset: ups[ups.length - 1]!.update_id + 1, timeout: 0 });
  }
  return ups as unknown as Record<string, unknown>[];
}
