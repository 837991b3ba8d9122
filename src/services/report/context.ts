/**
 * What every part of one report needs: its options, texts, column layouts, the settings in
 * force at each moment and the managers' names; and the link to a ticket's conversation.
 *
 * @module
 */
import type { Manager } from "../../domain/records.ts";
import { deskChats, type Settings } from "../../domain/settings.ts";
import type { Ticket } from "../../domain/ticket.ts";
import { SettingsTimeline } from "../../domain/settings_timeline.ts";
import { listSettingsChanges, type SettingsChange } from "../../storage/settings.ts";
import { listManagers } from "../../storage/people.ts";
import { postLink, threadLink } from "../links.ts";
import { LABELS, type Labels } from "./labels.ts";
import { detailColumns } from "./columns.ts";
import type { ReportOptions } from "./summary.ts";

/**
 * Link to a ticket's conversation: the comment thread in the discussion group,
 * `https://t.me/c/<group>/<root>?thread=<root>` (it opens the comments directly, for every
 * member of the group), else the channel post `https://t.me/c/<channel>/<post>`. Only
 * supergroups and channels (ids starting -100) have such links; null otherwise.
 */
export function ticketLink(
  settings: Pick<Settings, "groupId" | "channelId"> & Partial<Pick<Settings, "desks">>,
  ticket: Pick<Ticket, "threadId" | "postId" | "desk">,
): string | null {
  const chats = deskChats(settings, ticket.desk);
  return threadLink(chats.groupId, ticket.threadId) ?? postLink(chats.channelId, ticket.postId);
}

/** What every part of one report needs: its options, texts, columns and names. */
export interface ReportContext {
  o: ReportOptions;
  l: Labels;
  cols: ReturnType<typeof detailColumns>;
  /** Hours, zone, holidays and targets as they were in force at each moment. */
  timeline: SettingsTimeline;
  changes: SettingsChange[];
  managerName: (id: number | null) => string;
}

/** The context of one report: reads the settings' change log and the managers. */
export async function reportContext(kv: Deno.Kv, o: ReportOptions): Promise<ReportContext> {
  const l = LABELS[o.lang ?? "en"];
  const changes = await listSettingsChanges(kv);
  const managers = new Map<number, Manager>((await listManagers(kv)).map((m) => [m.id, m]));
  return {
    o,
    l,
    cols: detailColumns(l, o.settings.lowRating),
    timeline: SettingsTimeline.fromLog(o.settings, changes),
    changes,
    managerName: (id) => id === null ? l.unassigned : managers.get(id)?.name ?? `#${id}`,
  };
}
