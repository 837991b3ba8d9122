/**
 * The world a test or benchmark runs `main.ts` in as a separate process: an owner, the three
 * bots, a channel linked to a group with the client and manager bots as admins, an open
 * helpdesk in a KV file, and a way to start the service against it. Its pieces, the
 * helpdesk's chats and the managers' records, are what every test world is built from.
 *
 * @module
 */
import type { Emulator } from "../src/emulator/mod.ts";
import { putManager } from "../src/storage/people.ts";
import { updateSettings } from "../src/storage/settings.ts";

/**
 * The helpdesk's chats in `emu`: a channel linked to its discussion group, with `bots` (the
 * client and manager bots) administrators of both; with `linked: false` the two stay apart and
 * without the bots (a setup still to be done).
 */
export function helpdeskChats(
  emu: Emulator,
  ownerId: number,
  bots: ReadonlyArray<{ id: number }>,
  o: { channel?: string; group?: string; linked?: boolean } = {},
): { channelId: number; groupId: number } {
  const channelId = emu.createChannel({ title: o.channel ?? "Tickets", ownerId }).id;
  const groupId = emu.createGroup({ title: o.group ?? "Tickets chat", ownerId }).id;
  if (o.linked === false) return { channelId, groupId };
  emu.linkDiscussion(channelId, groupId);
  for (const b of bots) {
    emu.setMember(channelId, b.id, { status: "administrator" });
    emu.setMember(groupId, b.id, { status: "administrator" });
  }
  return { channelId, groupId };
}

/** Records `people` as active managers (Russian-speaking, nothing muted), added by `by` at `at`. */
export async function registerManagers(
  kv: Deno.Kv,
  people: ReadonlyArray<{ id: number; name: string }>,
  by: number,
  at: number,
): Promise<void> {
  for (const p of people) {
    await putManager(kv, {
      id: p.id,
      name: p.name,
      lang: "ru",
      addedAt: at,
      addedBy: by,
      active: true,
      mute: [],
    });
  }
}

/** What {@linkcode serviceWorld} made. */
export interface ServiceWorld {
  owner: { id: number };
  bots: { client: BotRef; manager: BotRef; settings: BotRef };
  channelId: number;
  groupId: number;
  /** The manager registered (a group member), when asked for. */
  manager: { id: number } | null;
  /**
   * Starts `main.ts` as a process on the world's KV file; `env` adds or replaces variables
   * (webhook mode), `stderr: "piped"` keeps its log for the caller.
   */
  start(o?: { env?: Record<string, string>; stderr?: "piped" | "inherit" }): Deno.ChildProcess;
}

/** The short chat titles of the worlds of process tests. */
export const T_G = { channel: "T", group: "G" };

interface BotRef {
  id: number;
  token: string;
  username: string;
}

/**
 * Builds the world in `emu` and its settings in the KV file at `kvPath`; `prefix` names the
 * bots, `withManager` registers Maria as a manager.
 */
export async function serviceWorld(
  emu: Emulator,
  o: { kvPath: string; prefix: string; timeScale: number; withManager: boolean },
): Promise<ServiceWorld> {
  const owner = emu.createUser({ firstName: "Olga", languageCode: "ru" });
  const [client, manager, settings] = ["client", "manager", "settings"].map((n) =>
    emu.createBot({ username: `${o.prefix}_${n}_bot` })
  ) as [BotRef, BotRef, BotRef];
  const { channelId, groupId } = helpdeskChats(emu, owner.id, [client, manager], T_G);
  const kv = await Deno.openKv(o.kvPath);
  await updateSettings(kv, 0, Date.now(), () => ({
    clientBotToken: client.token,
    managerBotToken: manager.token,
    channelId,
    groupId,
    open: true,
    always: true,
  }));
  let maria: { id: number } | null = null;
  if (o.withManager) {
    maria = emu.createUser({ firstName: "Maria" });
    emu.setMember(groupId, maria.id, { status: "member" });
    await registerManagers(kv, [{ id: maria.id, name: "Maria" }], owner.id, 0);
  }
  kv.close();
  return {
    owner,
    bots: { client, manager, settings },
    channelId,
    groupId,
    manager: maria,
    start: (so) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "main.ts"],
        env: {
          TELEGRAM_API_ROOT: emu.apiRoot,
          SETTINGS_BOT_TOKEN: settings.token,
          ADMIN_IDS: String(owner.id),
          KV_PATH: o.kvPath,
          LOG_LEVEL: Deno.env.get("TEST_LOG") ? "warn" : "error",
          TELEGRAM_TIME_SCALE: String(o.timeScale),
          ...so?.env,
        },
        stdout: "null",
        stderr: so?.stderr ?? "inherit",
      }).spawn(),
  };
}
