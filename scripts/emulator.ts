/**
 * Standalone Telegram emulator with a small scenario world (deno task emulator).
 *
 * Usage: deno run --allow-net scripts/emulator.ts [--port 8081] [--time-scale 1] [--no-limits]
 */
import { startEmulator } from "../src/emulator/mod.ts";

function flag(name: string): string | undefined {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

const emu = await startEmulator({
  port: Number(flag("port") ?? 8081),
  timeScale: Number(flag("time-scale") ?? 1),
  limits: !Deno.args.includes("--no-limits"),
  autoForwardDelay: { min: 50, max: 300 },
  log: (l) => console.log(`[emulator] ${l}`),
});
const owner = emu.createUser({ firstName: "Olga", lastName: "Owner", username: "owner" });
const customer = emu.createUser({ firstName: "Carl", username: "customer" });
const manager = emu.createUser({ firstName: "Mia", username: "manager" });
const clientBot = emu.createBot({ username: "helpdesk_client_bot", firstName: "Helpdesk" });
const managerBot = emu.createBot({
  username: "helpdesk_manager_bot",
  firstName: "Helpdesk Managers",
});
const settingsBot = emu.createBot({
  username: "helpdesk_settings_bot",
  firstName: "Helpdesk Settings",
});
const channel = emu.createChannel({ title: "Helpdesk tickets", ownerId: owner.id });
const group = emu.createGroup({ title: "Helpdesk tickets chat", ownerId: owner.id });
emu.linkDiscussion(channel.id, group.id);
for (const b of [clientBot, managerBot]) {
  emu.setMember(channel.id, b.id, { status: "administrator" });
  emu.setMember(group.id, b.id, { status: "administrator" });
}
emu.setMember(group.id, manager.id, { status: "member" });

console.log(
  `Telegram emulator at ${emu.apiRoot} (Bot API root; control surface under /_emulator/)`,
);
console.log(JSON.stringify(
  {
    apiRoot: emu.apiRoot,
    timeScale: emu.timeScale,
    bots: { client: clientBot, manager: managerBot, settings: settingsBot },
    users: { owner, customer, manager },
    channel: channel.id,
    group: group.id,
  },
  null,
  2,
));
Deno.addSignalListener("SIGINT", async () => {
  await emu.close();
  Deno.exit(0);
});
