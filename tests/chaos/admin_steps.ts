/**
 * The admin's steps of a chaos sequence, done as a person does them in the settings bot (taps
 * and typed answers, each waited for): managers removed and added back, hours, targets,
 * topics, texts, bots stopped and started, the report, and a token rotated in @BotFather.
 *
 * @module
 */
import { until } from "../../scripts/until.ts";
import type { AdminAct } from "./model.ts";
import { dataOf } from "./settle.ts";
import type { ChaosWorld, WorldBot } from "./world.ts";

/** What the admin's steps share with the rest of a run. */
export interface AdminContext {
  w: ChaosWorld;
  /** the run's record (a `RunRecord`): the admin's presses, removed managers, rotations */
  rec: { queries: string[]; removed: Set<number>; rotations: number };
  /** bots the admin stopped: their updates wait at Telegram */
  stopped: Set<WorldBot>;
  /**
   * bots whose token the admin revoked in @BotFather and has not given to the settings bot
   * yet, with the steps left until they do: Telegram refuses the old token meanwhile
   */
  rotating: Map<WorldBot, number>;
  /** the step running now (1-based) */
  step(): number;
}

/** The admin's steps of one run. */
export interface AdminSteps {
  /** Does `act` in the settings bot; false when there is nothing to do. */
  act(act: AdminAct, arg: number): Promise<boolean>;
  /**
   * Revokes `bot`'s token in @BotFather (the old one stops working at once); the new one is
   * given to the settings bot now (`gap` 0) or `gap` steps later ({@linkcode tick}).
   */
  rotate(bot: WorldBot, gap: number): Promise<boolean>;
  /** One step has passed: gives the new tokens whose time has come (all with `all`). */
  tick(all?: boolean): Promise<void>;
}

/** The admin's steps over `x`. */
export function adminSteps(x: AdminContext): AdminSteps {
  const { w, rec, stopped, rotating } = x;
  /** topics the admin added */
  let added = false;

  /** The owner's chat with the settings bot: taps a button they see, or types. */
  async function say(what: { press?: string; send?: string }, expect: RegExp | "document") {
    const me = w.owner.id;
    const at = w.settingsView(me).at(-1)?.id ?? 0;
    if (what.press) {
      const want = what.press;
      // a topic's button carries its name's mark after its place (`s:top_rm:2:1x2y3z`)
      const is = (d: string) => d === want || d.startsWith(`${want}:`);
      const m = w.settingsView(me).findLast((v) => dataOf(v.replyMarkup).some(is));
      if (!m) throw new Error(`the admin sees no button ${want} in the settings bot`);
      const data = dataOf(m.replyMarkup).find(is)!;
      rec.queries.push(w.emu.userPressButton(me, w.settingsBot.id, m.id, data));
    }
    if (what.send) w.emu.userSend(me, w.settingsBot.id, { text: what.send });
    await until(
      () =>
        w.settingsView(me).some((v) =>
          v.id > at && !v.outgoing &&
          (expect === "document" ? v.kind === "document" : expect.test(v.text ?? v.caption ?? ""))
        ),
      `the settings bot's answer ${expect} (last: ${w.settingsView(me).at(-1)?.text})`,
      15_000,
    );
  }

  /** The admin gives the settings bot the new token of `b`, from the bots' screen. */
  async function giveToken(b: WorldBot) {
    const kind = b === w.clientBot ? "client" : "manager";
    await say({ send: "/menu" }, /open|closed/i);
    await say({ press: "s:bots" }, /The helpdesk's bots/);
    await say({ press: `s:token:${kind}` }, new RegExp(`Send me the ${kind} bot's token`));
    await say(
      { send: b.token },
      new RegExp(`The new token of the ${kind === "client" ? "Client" : "Manager"} bot`),
    );
    rotating.delete(b);
    // a new token is given to be used: a bot the admin had stopped starts with it
    stopped.delete(b);
  }

  async function act(act: AdminAct, arg: number): Promise<boolean> {
    // a bot whose token is revoked cannot start: its new token comes first
    if (act === "bot" && rotating.has(arg % 2 ? w.managerBot : w.clientBot)) return false;
    await say({ send: "/menu" }, /open|closed/i);
    switch (act) {
      case "removeManager": {
        const m = w.managers[arg % w.managers.length]!;
        if (rec.removed.has(m.id)) return false;
        await say({ press: "s:managers" }, /Managers/);
        await say({ press: `s:mgr_rm:${m.id}` }, /Remove the manager/);
        await say({ press: `s:mgr_rm_ok:${m.id}` }, /is no longer a manager/);
        rec.removed.add(m.id);
        return true;
      }
      case "addManager": {
        const m = w.managers.find((x) => rec.removed.has(x.id));
        if (!m) return false;
        await say({ press: "s:managers" }, /Managers/);
        await say({ press: "s:mgr_add" }, /Forward any message/);
        await say({ send: String(m.id) }, /is now a manager/);
        // they follow the links the manager bot sends them
        for (const d of w.desks) {
          w.emu.setMember(d.channelId, m.id, { status: "member" });
          w.emu.setMember(d.groupId, m.id, { status: "member" });
        }
        rec.removed.delete(m.id);
        return true;
      }
      case "hours":
        await say({ press: "s:hours" }, /Working time/);
        await say({ press: "s:set:week" }, /./);
        await say(
          { send: arg % 2 ? "mon-fri 10:00-19:00" : "mon-fri 09:00-18:00; sat 10-14" },
          /Saved/,
        );
        return true;
      case "target": {
        await say({ press: "s:hours" }, /Working time/);
        await say({ press: "s:set:react" }, /./);
        // a number without a unit is refused with a hint, in the admin's language
        const [text, answer] = [["15", /Add a unit/], ["2h", /Saved/], ["30m", /Saved/]][
          arg % 3
        ] as [string, RegExp];
        await say({ send: text }, answer);
        return true;
      }
      case "topic":
        await say({ press: "s:topics" }, /Topics/);
        if (added) await say({ press: "s:top_rm:2" }, /Topics/);
        else {
          await say({ press: "s:top_add" }, /name of the new topic/);
          await say({ send: "Возврат" }, /3\. Возврат/);
        }
        added = !added;
        return true;
      case "text": {
        const lang = arg % 2 ? "en" : "ru";
        await say({ press: "s:texts" }, /Texts for clients/);
        await say({ press: `s:text:greeting:${lang}` }, /./);
        await say({ send: `Chaos greeting ${x.step()}` }, /Saved/);
        return true;
      }
      case "bot": {
        const b = arg % 2 ? w.managerBot : w.clientBot;
        const kind = b === w.clientBot ? "client" : "manager";
        const name = kind === "client" ? "Client" : "Manager";
        await say({ press: "s:bots" }, /The helpdesk's bots/);
        if (stopped.has(b)) {
          await say({ press: `s:restart:${kind}` }, new RegExp(`${name} bot: running`));
          stopped.delete(b);
        } else {
          await say({ press: `s:stop:${kind}` }, new RegExp(`Stop the ${kind} bot\\?`));
          await say({ press: `s:stop_yes:${kind}` }, new RegExp(`${name} bot: stopped`));
          stopped.add(b);
        }
        return true;
      }
      case "report":
        await say({ press: "s:reports" }, /Excel/);
        await say({ press: "s:rep:this_month" }, "document");
        return true;
    }
  }

  return {
    act,
    async rotate(b, gap) {
      // rotating again before the first new token was given: the admin's BotFather chat has
      // the newest token only, and that is what they paste
      w.rotateToken(b);
      rec.rotations++;
      rotating.set(b, gap);
      if (gap === 0) await giveToken(b);
      return true;
    },
    async tick(all = false) {
      for (const [b, left] of [...rotating]) {
        if (all || left <= 1) await giveToken(b);
        else rotating.set(b, left - 1);
      }
    },
  };
}
