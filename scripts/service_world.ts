/**
 * The world a test or benchmark runs `main.ts` in as a separate process: an owner, the three
 * bots, a channel linked to a group with the client and manager bots as admins, an open
 * helpdesk in a KV file, and a way to start the service against it.
 *
 * @module
 */
import type { Emulator } from "../src/emulator/mod.ts";
import { putManager } from "../src/storage/people.ts";
import { updateSettings } from "../src/storage/settings.ts";

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
  const channelId = emu.createChannel({ title: "T", ownerId: owner.id }).id;
  const groupId = emu.createGroup({ title: "G", ownerId: owner.id }).id;
  emu.linkDiscussion(channelId, groupId);
  for (const b of [client, manager]) {
    emu.setMember(channelId, b.id, { status: "administrator" });
    emu.setMember(groupId, b.id, { status: "administrator" });
  }
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
    await putManager(kv, {
      id: maria.id,
      name: "Maria",
      lang: "ru",
      addedAt: 0,
      addedBy: owner.id,
      active: true,
      mute: [],
    });
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
