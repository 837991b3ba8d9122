/**
 * Further desks: channel + discussion group pairs besides the main one, each taking the new
 * tickets of the topics routed to it. Telegram lets each bot write about 20 messages a minute
 * into one chat, so every desk adds that much room (DESIGN.md facts 7 and 14).
 *
 * A desk is added the way the main channel is chosen (a channel the manager bot was made an
 * admin of, a forwarded post, an @username or an id), and only when the doctor finds nothing
 * blocking in its chats. Its chats never change afterwards: they key its post and thread
 * indexes (`K.byPost(post, desk)`), and other chats mean removing it and adding another.
 * Removing a desk moves its tickets to the main desk, each posted again there with a link to
 * its old thread (the relocation of a channel move).
 *
 * @module
 */
import type { Desk } from "../../domain/settings.ts";
import { getSettings, updateSettings } from "../../storage/settings.ts";
import { dropOffer } from "../../storage/setup.ts";
import { followMove } from "../relocate.ts";
import { type ChatRef, lookUpChannel } from "./channel.ts";
import { type Problem, runDoctor } from "./doctor.ts";
import type { SetupDeps } from "./deps.ts";
import { setCommandMenus } from "./commands.ts";

/** Most further desks (each is one more set of chats the doctor checks every few minutes). */
export const MAX_DESKS = 9;

/** Outcome of adding a desk. */
export type AddDesk =
  | { ok: true; desk: Desk }
  | {
    ok: false;
    reason:
      | "no_manager_bot"
      | "not_found"
      | "not_channel"
      | "no_group"
      | "main_channel"
      | "taken"
      | "too_many";
  }
  | { ok: false; reason: "doctor_failed"; title: string; problems: Problem[] };

/**
 * Adds the channel `ref` (and its linked discussion group) as a further desk, with no topics
 * yet. Refused for the main desk's chats, chats another desk has, a channel without a group,
 * or chats where the doctor finds a blocker (both bots admins with the rights they need,
 * private, unprotected, linked both ways); the offer of the channel is forgotten.
 */
export async function addDesk(deps: SetupDeps, by: number, ref: ChatRef): Promise<AddDesk> {
  const s = await getSettings(deps.kv);
  if (!s.managerBotToken) return { ok: false, reason: "no_manager_bot" };
  if (s.desks.length >= MAX_DESKS) return { ok: false, reason: "too_many" };
  const found = await lookUpChannel(deps, s.managerBotToken, ref);
  if (!found.ok) return found;
  const { info } = found;
  const groupId = info.linked_chat_id;
  if (info.id === s.channelId || (groupId !== undefined && groupId === s.groupId)) {
    return { ok: false, reason: "main_channel" };
  }
  const taken = (d: Desk) => d.channelId === info.id || d.groupId === groupId;
  if (s.desks.some(taken)) return { ok: false, reason: "taken" };
  if (groupId === undefined) return { ok: false, reason: "no_group" };
  const candidate: Desk = {
    id: s.deskSeq + 1,
    channelId: info.id,
    groupId,
    title: info.title ?? "",
    topics: [],
  };
  // the desk's chats checked as they would be with it (nothing stored meanwhile)
  const report = await runDoctor(deps, by, { desks: [...s.desks, candidate] });
  const problems = report.problems.filter((p) =>
    p.severity === "blocker" && (p.desk === candidate.id || p.bot !== undefined && !p.desk &&
        (p.code === "token_missing" || p.code === "token_rejected"))
  );
  if (problems.length) {
    return { ok: false, reason: "doctor_failed", title: candidate.title, problems };
  }
  let added: Desk | null = null;
  await updateSettings(deps.kv, by, deps.clock.now(), (cur) => {
    // checked again against what is stored now (another admin may have added it meanwhile)
    if (cur.desks.some(taken) || cur.channelId === info.id) return {};
    added = { ...candidate, id: cur.deskSeq + 1 };
    return { desks: [...cur.desks, added], deskSeq: added.id };
  });
  if (!added) return { ok: false, reason: "taken" };
  await dropOffer(deps.kv, info.id);
  await threadMenus(deps);
  return { ok: true, desk: added };
}

/** The client bot's thread commands for the admins of every desk's group (best effort). */
async function threadMenus(deps: SetupDeps): Promise<void> {
  const s = await getSettings(deps.kv);
  const api = deps.control.apis().client;
  if (!api) return;
  try {
    await setCommandMenus(api, "client", {
      fallback: deps.defaultLang ?? "en",
      groupId: s.groupId,
      desks: s.desks.map((d) => d.groupId),
    });
  } catch (e) {
    deps.log.warn("command menus not set", { bot: "client", err: e });
  }
}

/**
 * Routes `topic` to desk `desk` (0: the main desk, i.e. routed nowhere else), taking it off
 * any other desk: a topic goes to one desk. Tickets opened before keep their desk. False when
 * the topic or the desk is not there.
 */
export async function routeTopic(
  deps: SetupDeps,
  by: number,
  desk: number,
  topic: string,
): Promise<boolean> {
  let ok = false;
  await updateSettings(deps.kv, by, deps.clock.now(), (cur) => {
    if (!cur.topics.includes(topic)) return {};
    if (desk !== 0 && !cur.desks.some((d) => d.id === desk)) return {};
    ok = true;
    return {
      desks: cur.desks.map((d) => ({
        ...d,
        topics: d.id === desk
          ? [...d.topics.filter((x) => x !== topic), topic]
          : d.topics.filter((x) => x !== topic),
      })),
    };
  });
  return ok;
}

/**
 * Removes desk `desk`: new tickets of its topics go to the main desk, and every ticket on it
 * moves there too (open ones are posted again at once, with a notice linking the old thread;
 * closed ones when reopened). Returns how many open tickets moved, or null when there was no
 * such desk.
 */
export async function removeDesk(
  deps: SetupDeps,
  by: number,
  desk: number,
): Promise<number | null> {
  let gone: Desk | null = null;
  await updateSettings(deps.kv, by, deps.clock.now(), (cur) => {
    gone = cur.desks.find((d) => d.id === desk) ?? null;
    return gone ? { desks: cur.desks.filter((d) => d.id !== desk) } : {};
  });
  if (!gone) return null;
  return await followMove(deps, (gone as Desk).groupId, desk);
}
