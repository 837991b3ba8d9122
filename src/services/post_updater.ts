/**
 * The post updater: renders a ticket's post in the channel (sent once, edited after) whenever
 * the ticket is marked dirty, until the mark stays cleared; so however many changes a ticket
 * has while its post waits, only its latest state is sent. Recovers a post whose send lost
 * its answer (its automatic forward adopts it), re-posts a deleted one, labels duplicates.
 *
 * @module
 */
import { type Api, HttpError } from "grammy";
import { deskChats, type Settings } from "../domain/settings.ts";
import type { Ticket } from "../domain/ticket.ts";
import { t } from "../i18n/mod.ts";
import { clearPostDirty, postDirtyEntry } from "../storage/outbox.ts";
import { getClient, getManager } from "../storage/people.ts";
import { getSettings } from "../storage/settings.ts";
import { repostTicket } from "../storage/relocate.ts";
import { slaReached } from "../storage/sla.ts";
import { getTicket, notePostAttempt, setPostId } from "../storage/tickets.ts";
import type { ServiceDeps } from "./deps.ts";
import { classify } from "./outbox_failure.ts";
import { renderDuplicatePost, renderPost } from "./post.ts";
import { threadLink } from "./desk/format.ts";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * How long (Telegram seconds) a post whose send lost its answer waits for its automatic
 * forward before it is sent again; forwards normally follow within a second or two.
 */
const POST_ADOPT_WAIT_SEC = 60;

/** Sends and edits tickets' channel posts. */
export class PostUpdater {
  readonly #deps: ServiceDeps;
  readonly #stopped: () => boolean;
  readonly #posted: (ticket: number) => void;

  /**
   * `stopped`: whether the outbox stops; `posted`: a ticket got its first post (its thread
   * can now take the comments waiting for it).
   */
  constructor(deps: ServiceDeps, stopped: () => boolean, posted: (ticket: number) => void) {
    this.#deps = deps;
    this.#stopped = stopped;
    this.#posted = posted;
  }

  /**
   * Renders the ticket's post until its dirty mark stays cleared (then true) or `holds` says
   * another process took the post over (its lease, see `leases.ts`); false when it stopped
   * with the post still dirty.
   */
  async run(n: number, holds: () => boolean = () => true): Promise<boolean> {
    const { kv, pacer, log } = this.#deps;
    let failures = 0;
    while (!this.#stopped() && holds()) {
      if ((await postDirtyEntry(kv, n)).versionstamp === null) return true;
      const before = await getSettings(kv);
      // the ticket's desk names the channel whose limit to wait for (read only when there are
      // further desks: with one desk every post goes to its channel)
      const channel = before.desks.length
        ? deskChats(before, (await getTicket(kv, n))?.desk).channelId
        : before.channelId;
      if (channel === null) return false;
      // the slot first, then the state: however often the ticket changed while its post waited
      // for the channel's limit, one edit carries its latest state
      const slot = await pacer.reserve(["manager"], channel);
      try {
        const entry = await postDirtyEntry(kv, n);
        if (entry.versionstamp === null) return true;
        const api = this.#deps.apis().manager;
        const settings = await getSettings(kv);
        const ticket = await getTicket(kv, n);
        const chats = deskChats(settings, ticket?.desk);
        // moved to another desk since the slot was taken: the next round takes that one's
        if (ticket && chats.channelId !== channel) continue;
        if (!api || chats.channelId === null || !ticket) return false;
        const [client, manager] = await Promise.all([
          getClient(kv, ticket.clientId),
          ticket.managerId !== null ? getManager(kv, ticket.managerId) : null,
        ]);
        const reached = ticket.status === "closed"
          ? []
          : await slaReached(kv, n, ticket.cycles.length - 1);
        const overdue = reached.filter((r) => r.endsWith("breach")).map((r) =>
          t(settings.teamLang, r === "reaction_breach" ? "sla_reaction" : "sla_close")
        );
        const { text, markup } = renderPost({ ticket, client, manager, settings, overdue });
        try {
          const channelId = chats.channelId;
          if (ticket.postId === null) {
            // durable before the send: if its answer is lost, the post's automatic forward is
            // recognised as this ticket's (see setThreadRoot) instead of being orphaned
            await notePostAttempt(kv, n, this.#deps.clock.now());
            const sent = await api.sendMessage(channelId, text, { reply_markup: markup });
            await setPostId(kv, n, sent.message_id, this.#deps.clock.now(), chats.desk);
            this.#posted(n);
          } else {
            const postId = ticket.postId;
            await api.editMessageText(channelId, postId, text, { reply_markup: markup });
          }
          failures = 0;
        } catch (e) {
          const f = classify(e);
          if (e instanceof HttpError && ticket.postId === null && await this.#adopted(n)) {
            // the post was sent after all: its forward made it the ticket's post
            failures = 0;
            continue;
          }
          if (f.type === "rate") {
            await sleep(pacer.backOff("manager", chats.channelId, f.retryAfter));
            continue;
          }
          if (
            f.type === "bad" && ticket.postId !== null &&
            /message to edit not found/.test(f.description)
          ) {
            // someone deleted the post: the ticket is posted again, its new thread links the old
            log.warn("a ticket post was deleted: posting it again", { ticket: n });
            await repostTicket(kv, n, this.#deps.clock.now(), {
              postId: ticket.postId,
              noticeKey: "thread_post_deleted",
              link: threadLink(chats.groupId, ticket.threadId) ?? "—",
              closed: true,
            });
            failures = 0;
            continue;
          }
          if (!(f.type === "bad" && /not modified/.test(f.description))) {
            log.warn("cannot update the ticket post", {
              ticket: n,
              description: "description" in f ? f.description : "Unauthorized",
            });
            if (++failures > 8) return false;
            await sleep(pacer.scaled(Math.min(60, 0.5 * 2 ** failures)));
            continue;
          }
        }
        if (ticket.duplicates?.length) await this.#renderDuplicates(api, ticket, settings);
        if (await clearPostDirty(kv, entry)) return true;
      } finally {
        slot.release();
      }
    }
    return false;
  }

  /**
   * After a post's send lost its answer (timeout, connection reset): waits, within a bound,
   * for the automatic forward of the post, if it was sent, to record it as the ticket's post.
   * Telegram offers no other way to find it; reposting at once would make a second post.
   */
  async #adopted(n: number): Promise<boolean> {
    const { kv, pacer } = this.#deps;
    const end = performance.now() + pacer.scaled(POST_ADOPT_WAIT_SEC);
    while (!this.#stopped()) {
      if ((await getTicket(kv, n))?.postId != null) return true;
      if (performance.now() >= end) return false;
      await sleep(Math.max(10, pacer.scaled(0.5)));
    }
    return false;
  }

  /** Marks a ticket's extra posts as duplicates pointing to its thread (best effort). */
  async #renderDuplicates(api: Api, ticket: Ticket, settings: Settings): Promise<void> {
    const text = renderDuplicatePost({
      ticket,
      settings,
      link: threadLink(deskChats(settings, ticket.desk).groupId, ticket.threadId),
    });
    const channelId = deskChats(settings, ticket.desk).channelId;
    if (channelId === null) return;
    for (const d of ticket.duplicates ?? []) {
      try {
        await api.editMessageText(channelId, d.postId, text, {
          reply_markup: { inline_keyboard: [] },
        });
      } catch (e) {
        const f = classify(e);
        if (f.type === "bad" && /not modified/.test(f.description)) continue;
        // only a label: its comments reach the client whatever it says
        this.#deps.log.warn("cannot mark a duplicate ticket post", {
          ticket: ticket.number,
          post: d.postId,
          err: e,
        });
      }
    }
  }
}
