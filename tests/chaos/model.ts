/**
 * The chaos suite's vocabulary: the steps a generated sequence is made of (what customers,
 * managers, strangers and Telegram do) and how each reads as a line for a person replaying it.
 * Steps name people and tickets by small indexes; the runner maps them onto the world at run
 * time (ticket `t` is the `t mod N`-th ticket that exists), so every shrunk sequence still runs.
 *
 * @module
 */

/** Kinds of content a customer sends. */
export type ContentKind =
  | "text"
  | "photo"
  | "video"
  | "voice"
  | "document"
  | "sticker"
  | "location"
  | "contact"
  | "poll";

/** Telegram faults the emulator injects into the next matching call. */
export type FaultKind = "429" | "500" | "drop" | "drop-after";

/** One thing that happens in the world. */
export type Step =
  /** customer `c` sends content (text and captions carry a unique marker) */
  | { k: "send"; c: number; kind: ContentKind; replyTo?: number }
  /** customer `c` sends an album of `n` photos, the first captioned */
  | { k: "album"; c: number; n: number }
  /** customer `c` edits one of their earlier text messages (`back` from the newest) */
  | { k: "edit"; c: number; back: number }
  /** customer `c` opens a ticket: /new, a topic button, then a text question */
  | { k: "open"; c: number; topic: number }
  /** customer `c` blocks (or unblocks) the client bot */
  | { k: "block"; c: number; on: boolean }
  /** customer `c` sends /new */
  | { k: "new"; c: number }
  /** customer `c` presses the newest button of their chat whose data starts with `prefix` */
  | { k: "press"; c: number; prefix: ClientButton; pick: number }
  /** customer `c` presses forged data naming a ticket that is not theirs */
  | { k: "forged"; c: number; t: number }
  /** customer `c` replies to the rating-comment invitation */
  | { k: "rateComment"; c: number }
  /** manager `m` comments in ticket `t` (a note when `note`) */
  | { k: "comment"; m: number; t: number; note: boolean }
  /** manager `m` edits one of their comments (`back` from the newest) */
  | { k: "mgrEdit"; m: number; back: number }
  /** manager `m` presses a button of ticket `t`'s post */
  | { k: "post"; m: number; t: number; action: "take" | "close" | "reopen" }
  /** someone who is not a manager comments under ticket `t` or presses its post's button */
  | { k: "stranger"; t: number; press: boolean }
  /** customer `c` sends `n` texts at once, without waiting for the service in between */
  | { k: "flood"; c: number; n: number }
  /** customer `c` shares a live location and moves it `moves` times (then stops it if `stop`) */
  | { k: "live"; c: number; moves: number; stop: boolean }
  /** manager `m` answers `/delete` to one of their comments (`back` from the newest) */
  | { k: "mgrDelete"; m: number; back: number }
  /** manager `m` types a thread command in ticket `t` (transfer goes to the other manager) */
  | { k: "cmd"; m: number; t: number; cmd: "take" | "close" | "reopen" | "transfer" }
  /** the next `count` calls of `method` by the `bot` fail with `fault` */
  | { k: "fault"; bot: "client" | "manager"; method: string; fault: FaultKind; count: number }
  /** the admin does `act` in the settings bot, as a person taps and types (`arg` picks) */
  | { k: "admin"; act: AdminAct; arg: number }
  /** the service is killed `delay` ms into the previous step's work and started again */
  | { k: "kill"; delay: number }
  /**
   * the admin revokes the `bot`'s token in @BotFather (the old one stops working at once) and
   * gives the new one to the settings bot `gap` steps later (0: at once)
   */
  | { k: "rotate"; bot: "client" | "manager"; gap: number }
  /**
   * from now on Telegram's automatic forwards of channel posts into the discussion group come
   * `early` (before the posting call returns) or `late` (`ms` to 2×`ms` real ms after it,
   * behind later updates of other chats)
   */
  | { k: "forwards"; when: "early" | "late"; ms: number };

/** What an admin does in the settings bot. */
export type AdminAct =
  /** removes manager `arg` (Maria or Ivan) */
  | "removeManager"
  /** adds manager `arg` back (by id) */
  | "addManager"
  /** sets the working week (one of two) */
  | "hours"
  /** sets the reaction target (one value is refused: no unit) */
  | "target"
  /** adds a topic, or removes the one added */
  | "topic"
  /** changes the greeting (ru or en) */
  | "text"
  /** stops the client (`arg` even) or manager bot, or starts it again when stopped */
  | "bot"
  /** asks for this month's report */
  | "report";

/** Client button kinds a customer can press. */
export type ClientButton =
  | "c:topic"
  | "c:close"
  | "c:reopen"
  | "c:rate"
  | "c:held_reopen"
  | "c:held_new"
  | "c:current";

/** The step as one readable line. */
export function describe(s: Step): string {
  const who = (c: number) => `customer ${c}`;
  switch (s.k) {
    case "send":
      return `${who(s.c)} sends a ${s.kind}` +
        (s.replyTo !== undefined ? ` replying to relayed answer #${s.replyTo}` : "");
    case "album":
      return `${who(s.c)} sends an album of ${s.n} photos`;
    case "edit":
      return `${who(s.c)} edits their text message ${s.back} back from the newest`;
    case "block":
      return `${who(s.c)} ${s.on ? "blocks" : "unblocks"} the bot`;
    case "new":
      return `${who(s.c)} sends /new`;
    case "open":
      return `${who(s.c)} opens a ticket: /new, topic ${s.topic}, a text question`;
    case "press":
      return `${who(s.c)} presses a ${s.prefix} button (pick ${s.pick})`;
    case "forged":
      return `${who(s.c)} presses forged c:close of ticket slot ${s.t}`;
    case "rateComment":
      return `${who(s.c)} answers the rating-comment invitation`;
    case "comment":
      return `manager ${s.m} writes a ${s.note ? "note" : "comment"} in ticket slot ${s.t}`;
    case "mgrEdit":
      return `manager ${s.m} edits their comment ${s.back} back from the newest`;
    case "post":
      return `manager ${s.m} presses ${s.action} on the post of ticket slot ${s.t}`;
    case "stranger":
      return `a stranger ${
        s.press ? "presses close on the post" : "comments"
      } of ticket slot ${s.t}`;
    case "flood":
      return `${who(s.c)} sends ${s.n} texts at once`;
    case "live":
      return `${who(s.c)} shares a live location and moves it ${s.moves} times` +
        (s.stop ? ", then stops" : "");
    case "mgrDelete":
      return `manager ${s.m} /deletes their comment ${s.back} back from the newest`;
    case "cmd":
      return `manager ${s.m} types /${s.cmd} in ticket slot ${s.t}`;
    case "fault":
      return `Telegram fails the next ${s.count} ${s.method} of the ${s.bot} bot with ${s.fault}`;
    case "admin":
      return `the admin: ${ADMIN_LINES[s.act](s.arg)}`;
    case "kill":
      return `the service is killed ${s.delay} ms into that and started again on the same KV`;
    case "rotate":
      return `the admin revokes the ${s.bot} bot's token in @BotFather and gives the new one ` +
        (s.gap ? `to the settings bot ${s.gap} step(s) later` : "to the settings bot at once");
    case "forwards":
      return `Telegram's automatic forwards of posts come ${
        s.when === "early" ? "before the posting call returns" : `${s.ms}-${s.ms * 2} ms late`
      } from now on`;
  }
}

const ADMIN_LINES: Record<AdminAct, (arg: number) => string> = {
  removeManager: (a) => `removes manager ${a}`,
  addManager: (a) => `adds manager ${a} back`,
  hours: (a) => `sets working week ${a % 2}`,
  target: (a) => `sets reaction target ${a % 3} (0 has no unit)`,
  topic: () => "adds a topic, or removes the added one",
  text: (a) => `changes the ${a % 2 ? "en" : "ru"} greeting`,
  bot: (a) => `stops the ${a % 2 ? "manager" : "client"} bot, or starts it when stopped`,
  report: () => "asks for this month's report",
};

/** A sequence as numbered readable lines. */
export function describeAll(steps: Step[]): string {
  return steps.map((s, i) => `  ${String(i + 1).padStart(2)}. ${describe(s)}`).join("\n");
}
