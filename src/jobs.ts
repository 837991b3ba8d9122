/**
 * The periodic jobs the service runs once a minute (from Deno.cron): each is idempotent and
 * safe when two runs overlap or one is missed.
 *
 * @module
 */
import { InputFile } from "grammy";
import type { BotDeps } from "./bots/context.ts";
import { t } from "./i18n/mod.ts";
import { getSettings } from "./storage/settings.ts";
import { tellAdmins } from "./services/admin_alerts.ts";
import { releaseLeftClosedHolds } from "./services/closed_hold.ts";
import { closeQuietTickets } from "./services/desk/quiet.ts";
import { runSlaChecks } from "./services/sla.ts";

/** The report the admin scheduled, to every admin, once per period. */
async function sendScheduledReports(deps: BotDeps): Promise<void> {
  if ((await getSettings(deps.kv)).reportSchedule === "off") return;
  // exceljs is heavy: loaded only when a report is due, not at start-up
  const { chartCaption, reportCaption, runScheduledReports } = await import(
    "./services/report/deliver.ts"
  );
  await runScheduledReports(deps, async (file) => {
    const api = deps.adminApi?.();
    if (!api) throw new Error("Cannot send the scheduled report: the settings bot is not running");
    // the caption in the team's language, as the report it goes with
    const lang = (await getSettings(deps.kv)).teamLang;
    await tellAdmins(
      deps,
      async (id) => {
        await api.sendDocument(id, new InputFile(file.bytes, file.name), {
          caption: `${t(lang, "s_rep_scheduled")}\n${reportCaption(lang, file.summary)}`,
        });
        if (file.summary.chart) {
          await api.sendPhoto(id, new InputFile(file.summary.chart, "chart.png"), {
            caption: chartCaption(lang, file.summary),
          });
        }
      },
      (id, e) => deps.log.warn("scheduled report not delivered", { admin: id, err: e }),
    );
  });
}

/** A periodic job. */
export type CronJob = (deps: BotDeps) => Promise<void>;

/** The jobs of a normal installation. */
export function defaultCronJobs(): CronJob[] {
  return [
    async (deps) => void await runSlaChecks(deps),
    async (deps) => void await closeQuietTickets(deps, deps.clock.now()),
    sendScheduledReports,
    // an unlinked discussion group or a bot that lost its rights reaches the admins
    async (deps) => void await deps.checkSetup?.(),
    releaseLeftClosedHolds,
  ];
}
