/**
 * Admins hear about low ratings (1–2) and about messages the outbox gave up on, through the
 * settings bot, the one bot they talk to.
 *
 * @module
 */
import type { Api } from "grammy";
import { t } from "../i18n/mod.ts";
import { listAdmins } from "../storage/people.ts";
import { getSettings } from "../storage/settings.ts";
import { getTicket } from "../storage/tickets.ts";
import type { HelpdeskEvent, Notifier } from "./deps.ts";
import type { Helpdesk } from "./helpdesk.ts";

/** Ratings at or below this alert the admins. */
export const ADMIN_LOW_RATING = 2;

/** Sends admins a message for every low rating and undeliverable message; never throws. */
export class AdminAlerts implements Notifier {
  constructor(readonly deps: Helpdesk, readonly api: () => Api | null) {}

  notify(e: HelpdeskEvent): void {
    if (e.type === "undeliverable") {
      // a client message that could not reach the thread (an answer that could not reach the
      // client is told in the thread instead)
      if (e.lane !== "group") return;
      void this.#undeliverable(e.ticket, e.reason).catch((err) =>
        this.deps.log.warn("admin alert failed", { err })
      );
      return;
    }
    if (e.type !== "rated" || e.score > ADMIN_LOW_RATING) return;
    void this.#send(e.ticket, e.score).catch((err) =>
      this.deps.log.warn("admin alert failed", { err })
    );
  }

  async #undeliverable(n: number, reason: string): Promise<void> {
    const settings = await getSettings(this.deps.kv);
    await this.#toAdmins(t(settings.teamLang, "admin_undeliverable", { number: n, reason }));
  }

  async #toAdmins(text: string): Promise<void> {
    const api = this.api();
    if (!api) return;
    for (const id of new Set([...this.deps.adminIds, ...await listAdmins(this.deps.kv)])) {
      // an admin who never opened the settings bot cannot be written to; the others still are
      await api.sendMessage(id, text).catch(() => {});
    }
  }

  async #send(n: number, score: number): Promise<void> {
    const [tk, settings] = await Promise.all([
      getTicket(this.deps.kv, n),
      getSettings(this.deps.kv),
    ]);
    await this.#toAdmins(t(settings.teamLang, "admin_low_rating", {
      number: n,
      score: "★".repeat(score),
      topic: tk?.topic ?? "",
    }));
  }
}

/** One notifier that tells several. */
export function fanOut(...notifiers: Notifier[]): Notifier {
  return { notify: (e) => notifiers.forEach((n) => n.notify(e)) };
}
