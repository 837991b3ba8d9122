/**
 * Admins hear about low ratings and about messages the outbox gave up on, through the
 * settings bot, the one bot they talk to. {@linkcode tellAdmins} is the one way anything writes
 * to every admin (these alerts, the manager bot's signals, the scheduled report).
 *
 * @module
 */
import type { Api } from "grammy";
import { type Lang, t } from "../i18n/mod.ts";
import type { SetAsideUpdate, StorageTrouble } from "../storage/intake.ts";
import { listAdmins } from "../storage/people.ts";
import { seenAdmins } from "../storage/setup.ts";
import { getSettings } from "../storage/settings.ts";
import { getTicket } from "../storage/tickets.ts";
import type { HelpdeskEvent, Notifier, ServiceDeps } from "./deps.ts";
import type { Helpdesk } from "./helpdesk.ts";
import type { Problem } from "./setup/doctor.ts";
import type { TextKey } from "../i18n/mod.ts";

/**
 * The one way to write to every admin (ADMIN_IDS and those added in the settings bot), each in
 * the language they use the settings bot in (the team's until then). `send` writes to one;
 * its failure goes to `failed` and the others are still written to: an admin who never
 * opened the settings bot cannot be written to.
 */
export async function tellAdmins(
  deps: Pick<ServiceDeps, "kv" | "adminIds">,
  send: (id: number, lang: Lang) => Promise<unknown>,
  failed: (id: number, e: unknown) => void = () => {},
): Promise<void> {
  const [settings, added, seen] = await Promise.all([
    getSettings(deps.kv),
    listAdmins(deps.kv),
    seenAdmins(deps.kv),
  ]);
  for (const id of new Set([...deps.adminIds, ...added])) {
    await send(id, seen.get(id) ?? settings.teamLang).catch((e) => failed(id, e));
  }
}

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
    if (e.type !== "rated") return;
    void (async () => {
      if (e.score > (await getSettings(this.deps.kv)).lowRating) return;
      await this.#send(e.ticket, e.score);
    })().catch((err) => this.deps.log.warn("admin alert failed", { err }));
  }

  /** Tells the admins that an update failed every attempt and was set aside; never throws. */
  updateSetAside(r: SetAsideUpdate): void {
    void this.#tell((lang) =>
      t(lang, "admin_update_set_aside", { bot: r.bot, id: r.updateId, reason: r.reason })
    ).catch((err) => this.deps.log.warn("admin alert failed", { err }));
  }

  /**
   * Tells the admins once when KV keeps refusing writes, and once when it works again; several
   * bots in trouble at once make one episode. Never throws.
   */
  storage(e: StorageTrouble): void {
    const was = this.#inTrouble.size;
    if (e.resolved) this.#inTrouble.delete(e.bot);
    else this.#inTrouble.add(e.bot);
    const now = this.#inTrouble.size;
    if ((was === 0) === (now === 0)) return;
    const key = now ? "admin_storage_trouble" : "admin_storage_ok";
    void this.#tell((lang) => t(lang, key, { reason: e.reason })).catch((err) =>
      this.deps.log.warn("admin alert failed", { err })
    );
  }
  readonly #inTrouble = new Set<string>();

  /** Tells the admins what broke in the setup (channel, group, bots' rights) and what to do. */
  async setupBroken(problems: Problem[]): Promise<void> {
    const s = await getSettings(this.deps.kv);
    await this.#tell((lang) =>
      [
        t(lang, "admin_setup_broken"),
        ...problems.map((p) => {
          const name = p.bot ? t(lang, p.bot === "client" ? "s_bot_client" : "s_bot_manager") : "";
          const user = p.bot === "client"
            ? s.clientBotUsername
            : p.bot === "manager"
            ? s.managerBotUsername
            : null;
          const problem = t(lang, `s_p_${p.code}` as TextKey, {
            bot: user ? `${name} @${user}` : name,
          });
          // a further desk's gap names the desk
          const desk = p.desk ? s.desks.find((d) => d.id === p.desk) : undefined;
          return "• " +
            (desk
              ? t(lang, "s_desk_problem", { id: desk.id, title: desk.title, problem })
              : problem);
        }),
      ].join("\n")
    );
  }

  /** Tells the admins the setup is whole again. */
  async setupWhole(): Promise<void> {
    await this.#tell((lang) => t(lang, "admin_setup_whole"));
  }

  async #undeliverable(n: number, reason: string): Promise<void> {
    await this.#tell((lang) => t(lang, "admin_undeliverable", { number: n, reason }));
  }

  async #send(n: number, score: number): Promise<void> {
    const tk = await getTicket(this.deps.kv, n);
    await this.#tell((lang) =>
      t(lang, "admin_low_rating", { number: n, score: "★".repeat(score), topic: tk?.topic ?? "" })
    );
  }

  async #tell(text: (lang: Lang) => string): Promise<void> {
    const api = this.api();
    if (!api) return;
    await tellAdmins(this.deps, (id, lang) => api.sendMessage(id, text(lang)));
  }
}

/** One notifier that tells several. */
export function fanOut(...notifiers: Notifier[]): Notifier {
  return { notify: (e) => notifiers.forEach((n) => n.notify(e)) };
}
