/**
 * Admins hear about low ratings and about messages the outbox gave up on, through the
 * settings bot, the one bot they talk to. {@linkcode tellAdmins} is the one way anything writes
 * to every admin (these alerts, the manager bot's signals, the scheduled report).
 *
 * @module
 */
import type { Api } from "grammy";
import { type Lang, t } from "../i18n/mod.ts";
import {
  type AlertEntry,
  claimAdminAlert,
  dropAdminAlert,
  failedAdminAlert,
  queueAdminAlerts,
  unclaimedAdminAlerts,
} from "../storage/admin_alerts.ts";
import type { SetAsideUpdate, StorageTrouble } from "../storage/intake.ts";
import { listAdmins } from "../storage/people.ts";
import { seenAdmins } from "../storage/setup.ts";
import { getSettings } from "../storage/settings.ts";
import { getTicket } from "../storage/tickets.ts";
import type { HelpdeskEvent, Notifier, ServiceDeps } from "./deps.ts";
import type { Helpdesk } from "./helpdesk.ts";
import { classify } from "./outbox_failure.ts";
import type { Problem } from "./setup/doctor.ts";
import type { TextKey } from "../i18n/mod.ts";

/**
 * Every admin (ADMIN_IDS and those added in the settings bot) with the language they use the
 * settings bot in (the team's until then).
 */
export async function adminRecipients(
  deps: Pick<ServiceDeps, "kv" | "adminIds">,
): Promise<Array<[id: number, lang: Lang]>> {
  const [settings, added, seen] = await Promise.all([
    getSettings(deps.kv),
    listAdmins(deps.kv),
    seenAdmins(deps.kv),
  ]);
  return [...new Set([...deps.adminIds, ...added])].map((id) => [
    id,
    seen.get(id) ?? settings.teamLang,
  ]);
}

/**
 * The one way to write to every admin, each in their language (see {@linkcode adminRecipients}).
 * `send` writes to one; its failure goes to `failed` and the others are still written to: an
 * admin who never opened the settings bot cannot be written to.
 */
export async function tellAdmins(
  deps: Pick<ServiceDeps, "kv" | "adminIds">,
  send: (id: number, lang: Lang) => Promise<unknown>,
  failed: (id: number, e: unknown) => void = () => {},
): Promise<void> {
  for (const [id, lang] of await adminRecipients(deps)) {
    await send(id, lang).catch((e) => failed(id, e));
  }
}

/** How long a sender holds an alert it is sending (then another may take it). */
const CLAIM_MS = 2 * 60_000;
/** Attempts before an alert that keeps failing is given up (logged). */
const MAX_ALERT_ATTEMPTS = 10;
/** Wait after the first failed attempt; doubled after each, at most an hour. */
const FIRST_RETRY_MS = 60_000;

/**
 * Sends admins a message for every low rating, undeliverable message, update set aside, storage
 * trouble and broken setup; never throws. Each alert is stored before it is sent and retried
 * (at start, on every cron tick) until Telegram takes it or answers that it never will.
 */
export class AdminAlerts implements Notifier {
  constructor(readonly deps: Helpdesk, readonly api: () => Api | null) {}

  /** Alerts being raised or sent by this process: {@linkcode idle} waits for them. */
  readonly #work = new Set<Promise<void>>();

  /** Resolves once every alert this process raised is stored and its sending ended. */
  async idle(): Promise<void> {
    while (this.#work.size) await Promise.all([...this.#work]);
  }

  /** Sends the stored alerts no one is sending (left by a stop, a crash or a failure). */
  resume(): Promise<void> {
    return this.#track((async () => {
      for (const e of await unclaimedAdminAlerts(this.deps.kv, this.deps.clock.now())) {
        const mine = await claimAdminAlert(this.deps.kv, e, this.deps.clock.now() + CLAIM_MS);
        if (mine) await this.#deliver(mine);
      }
    })());
  }

  notify(e: HelpdeskEvent): void {
    if (e.type === "undeliverable") {
      // a client message that could not reach the thread (an answer that could not reach the
      // client is told in the thread instead)
      // (and an answer from the manager bot that could not be put in the thread is told to
      // its manager)
      if (e.lane !== "group" || e.answerBy !== undefined) return;
      void this.#track(this.#undeliverable(e.ticket, e.reason));
      return;
    }
    if (e.type !== "rated") return;
    void this.#track((async () => {
      if (e.score > (await getSettings(this.deps.kv)).lowRating) return;
      await this.#send(e.ticket, e.score);
    })());
  }

  /** Tells the admins that an update failed every attempt and was set aside; never throws. */
  updateSetAside(r: SetAsideUpdate): void {
    void this.#track(
      this.#tell((lang) =>
        t(lang, "admin_update_set_aside", { bot: r.bot, id: r.updateId, reason: r.reason })
      ),
    );
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
    void this.#track(this.#tell((lang) => t(lang, key, { reason: e.reason })));
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

  /** Stores the alert for every admin, then sends it (claimed, so no one else does meanwhile). */
  async #tell(text: (lang: Lang) => string): Promise<void> {
    const at = this.deps.clock.now();
    const to = await adminRecipients(this.deps);
    // with no settings bot yet the alerts wait unclaimed for `resume`
    const claim = this.api() ? at + CLAIM_MS : at;
    const stored = await queueAdminAlerts(
      this.deps.kv,
      to.map(([id, lang]) => ({ to: id, text: text(lang) })),
      at,
      claim,
    );
    if (claim > at) { for (const e of stored) await this.#deliver(e); }
  }

  /** One attempt at a stored alert this process holds. */
  async #deliver(e: AlertEntry): Promise<void> {
    const api = this.api();
    if (!api) return; // the claim runs out and a later `resume` sends it
    try {
      await api.sendMessage(e.value.to, e.value.text);
    } catch (err) {
      const f = classify(err);
      const attempts = e.value.attempts + 1;
      // blocked, never opened the bot, or a text Telegram refuses: it never will be sent
      if (f.type === "blocked" || f.type === "bad" || attempts >= MAX_ALERT_ATTEMPTS) {
        this.deps.log.warn("admin alert not delivered", { admin: e.value.to, attempts, err });
        await dropAdminAlert(this.deps.kv, e);
        return;
      }
      const wait = f.type === "rate"
        ? f.retryAfter * 1000
        : Math.min(FIRST_RETRY_MS * 2 ** e.value.attempts, 3_600_000);
      await failedAdminAlert(this.deps.kv, e, this.deps.clock.now() + wait);
      return;
    }
    await dropAdminAlert(this.deps.kv, e);
  }

  #track(p: Promise<void>): Promise<void> {
    const run = p.catch((err) => this.deps.log.warn("admin alert failed", { err }));
    this.#work.add(run);
    void run.finally(() => this.#work.delete(run));
    return run;
  }
}

/** One notifier that tells several. */
export function fanOut(...notifiers: Notifier[]): Notifier {
  return { notify: (e) => notifiers.forEach((n) => n.notify(e)) };
}
