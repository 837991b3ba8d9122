/**
 * Opening and closing the service: the doctor must be satisfied; on opening each bot gets
 * its commands, name and descriptions, and the admin gets the client bot's link and QR code.
 * A fresh install whose environment completes the settings opens by itself.
 *
 * @module
 */
import { releaseAllClosedHolds } from "../closed_hold.ts";
import QRCode from "qrcode";
import type { Api } from "grammy";
import type { Settings } from "../../domain/settings.ts";
import { type Lang, t } from "../../i18n/mod.ts";
import { getSettings, listSettingsChanges, updateSettings } from "../../storage/settings.ts";
import type { BotKind, BotStatus } from "../deps.ts";
import type { SetupDeps } from "./deps.ts";
import { setCommandMenus } from "./commands.ts";
import { type DoctorReport, runDoctor } from "./doctor.ts";
import { apiFor, learnBotIdentities } from "./token.ts";

const LANGS: Lang[] = ["ru", "en"];

/** The public link of the client bot, or null while it is unknown. */
export function clientLink(s: Settings): string | null {
  return s.clientBotUsername ? `https://t.me/${s.clientBotUsername}` : null;
}

/** A PNG QR code of `url`. */
export async function qrPng(url: string): Promise<Uint8Array> {
  return new Uint8Array(await QRCode.toBuffer(url, { margin: 2, width: 512 }));
}

async function setInterface(
  api: Api,
  kind: "client" | "manager",
  name: string,
  menus: { fallback: Lang; groupId: number | null; desks: number[] },
) {
  await setCommandMenus(api, kind, menus);
  for (const lang of LANGS) {
    await api.setMyName(
      t(lang, kind === "client" ? "s_iface_client_name" : "s_iface_manager_name", { name })
        .slice(0, 64),
      { language_code: lang },
    );
    await api.setMyDescription(
      t(lang, kind === "client" ? "s_iface_client_desc" : "s_iface_manager_desc"),
      { language_code: lang },
    );
    await api.setMyShortDescription(
      t(lang, kind === "client" ? "s_iface_client_short" : "s_iface_manager_short"),
      { language_code: lang },
    );
  }
}

/** Gives both bots their commands, names and descriptions (failures are logged, not fatal). */
export async function setInterfaces(deps: SetupDeps, s: Settings): Promise<void> {
  for (const kind of ["client", "manager"] as const) {
    const token = kind === "client" ? s.clientBotToken : s.managerBotToken;
    if (!token) continue;
    const api = apiFor(deps, token);
    try {
      const me = await api.getMe();
      await setInterface(api, kind, me.first_name, {
        fallback: kind === "client" ? deps.defaultLang ?? "en" : s.teamLang,
        groupId: s.groupId,
        desks: s.desks.map((d) => d.groupId),
      });
    } catch (e) {
      deps.log.warn("could not set the bot's interface", { bot: kind, err: e });
    }
  }
}

/** Outcome of opening: the client bot's link, or the doctor's findings. */
export type OpenResult =
  | { ok: true; link: string | null; settings: Settings }
  | { ok: false; report: DoctorReport };

/** Opens the service to clients if the doctor is satisfied. */
export async function openService(deps: SetupDeps, by: number): Promise<OpenResult> {
  const report = await runDoctor(deps, by);
  if (!report.ok) return { ok: false, report };
  const s0 = await learnBotIdentities(deps);
  await setInterfaces(deps, s0);
  const s = await updateSettings(deps.kv, by, deps.clock.now(), () => ({ open: true }));
  deps.log.info("service opened", { by });
  await releaseAllClosedHolds(deps);
  return { ok: true, link: clientLink(s), settings: s };
}

/** Closes the service to new requests (the bots keep running in the setup state). */
export async function closeService(deps: SetupDeps, by: number): Promise<void> {
  await updateSettings(deps.kv, by, deps.clock.now(), () => ({ open: false }));
  deps.log.info("service closed", { by });
}

/**
 * Stops a bot for good (an admin's stop): recorded first, so that it stays stopped after a
 * restart and every instance stops it, then stopped here.
 */
export async function stopBot(deps: SetupDeps, kind: BotKind, by: number): Promise<void> {
  await updateSettings(deps.kv, by, deps.clock.now(), (s) => ({
    stoppedBots: [...new Set([...s.stoppedBots, kind])],
  }));
  await deps.control.stop(kind);
  deps.log.info("bot stopped by an admin", { bot: kind, by });
}

/** Starts a bot again (an admin's start or restart): the stop is lifted, then it starts. */
export async function startBot(deps: SetupDeps, kind: BotKind, by: number): Promise<BotStatus> {
  const s = await getSettings(deps.kv);
  if (s.stoppedBots.includes(kind)) {
    await updateSettings(deps.kv, by, deps.clock.now(), (now) => ({
      stoppedBots: now.stoppedBots.filter((k) => k !== kind),
    }));
  }
  const status = await deps.control.restart(kind);
  await deps.outbox.resume();
  return status;
}

/**
 * At start-up: a fresh install (nobody has ever opened or closed the service) whose settings
 * are complete, e.g. from the bootstrap variables, opens by itself once the doctor agrees.
 * Returns whether the service is open afterwards.
 */
export async function autoOpen(deps: SetupDeps): Promise<boolean> {
  try {
    const s = await learnBotIdentities(deps);
    if (s.open) return true;
    if (!s.clientBotToken || !s.managerBotToken || s.channelId === null) return false;
    const touched = (await listSettingsChanges(deps.kv)).some((c) => c.fields.includes("open"));
    if (touched) return false;
    const r = await openService(deps, 0);
    if (!r.ok) {
      deps.log.warn("not opened automatically: the setup is incomplete", {
        problems: r.report.problems.map((p) => p.bot ? `${p.code}:${p.bot}` : p.code),
      });
    }
    return r.ok;
  } catch (e) {
    deps.log.error("automatic opening failed", { err: e });
    return false;
  }
}
