/**
 * The managers' desk on top of the end-to-end world of `harness.ts` (the service's own desk
 * notifier, as `startApp` wires it), with helpers to talk to the manager bot as a manager would (send a command and wait for
 * the answer, press a button and read the answer).
 *
 * @module
 */
import type { ViewMessage } from "../src/emulator/mod.ts";
import type { DeskNotifier } from "../src/services/desk/notifier.ts";
import { upsertClient } from "../src/storage/people.ts";
import { createTicket } from "../src/storage/tickets.ts";
import { startWorld, type TestWorld, type WorldOptions } from "./harness.ts";

export { clientOpensTicket, managerSays } from "./harness.ts";

/** Deno test options of the end-to-end tests (bots keep timers between polls). */
export const sanitize = { sanitizeOps: false, sanitizeResources: false };

/** A world with the desk's notifier. */
export interface DeskWorld extends TestWorld {
  /** The running service's desk notifier (`idle()` waits for queued notifications). */
  notifier: DeskNotifier;
  /** What a user sees in their chat with the manager bot. */
  mgrView(userId: number): ViewMessage[];
  /** The user sends `text` to the manager bot and waits for `count` new answers. */
  ask(userId: number, text: string, count?: number): Promise<ViewMessage[]>;
  /** The user presses a button of a manager bot message; resolves with the press's answer. */
  press(
    userId: number,
    messageId: number,
    data: string,
    forged?: boolean,
  ): Promise<{ text?: string; show_alert?: boolean }>;
  /** The post of ticket `n` as the channel shows it. */
  postText(postId: number): string;
}

/** Starts a world with helpers for the manager bot. */
export async function startDesk(o: WorldOptions = {}): Promise<DeskWorld> {
  const w = await startWorld(o);
  const mgrView = (userId: number) => {
    try {
      return w.emu.view(userId, w.managerBot.id);
    } catch {
      return []; // the user never wrote to the manager bot
    }
  };
  const incoming = (userId: number) => mgrView(userId).filter((m) => !m.outgoing);
  // a getter (Object.assign would copy its value): a restarted service has a new notifier
  Object.defineProperty(w, "notifier", { get: () => w.app.desk, enumerable: true });
  const world: DeskWorld = Object.assign(w as TestWorld & Pick<DeskWorld, "notifier">, {
    mgrView,
    async ask(userId: number, text: string, count = 1) {
      const before = incoming(userId).length;
      w.emu.userSend(userId, w.managerBot.id, { text });
      await w.until(() => incoming(userId).length >= before + count, `answer to ${text}`);
      return incoming(userId).slice(before);
    },
    async press(userId: number, messageId: number, data: string, forged = false) {
      const q = w.emu.userPressButton(userId, w.managerBot.id, messageId, data, { forged });
      await w.until(() => w.emu.callbackAnswer(q) !== undefined, `answer to ${data}`);
      return w.emu.callbackAnswer(q) as { text?: string; show_alert?: boolean };
    },
    postText(postId: number) {
      return w.emu.view(w.owner.id, w.channelId).find((m) => m.id === postId)?.text ?? "";
    },
  });
  return world;
}

/** Callback data of a message's buttons, flattened. */
export function buttonsOf(
  m: ViewMessage | undefined,
): Array<{ text: string; data?: string; url?: string }> {
  const kb = (m?.replyMarkup as {
    inline_keyboard?: Array<Array<{ text: string; callback_data?: string; url?: string }>>;
  } | undefined)?.inline_keyboard ?? [];
  return kb.flat().map((b) => ({
    text: b.text,
    ...(b.callback_data ? { data: b.callback_data } : {}),
    ...(b.url ? { url: b.url } : {}),
  }));
}

/**
 * Creates `count` tickets of one client straight in storage (no posts, no messages), each a
 * minute after the previous one, so that "newest activity first" is the reverse order.
 */
export async function seedTickets(
  w: TestWorld,
  clientId: number,
  count: number,
): Promise<number[]> {
  await upsertClient(
    w.kv,
    { id: clientId, firstName: `Client${clientId}`, lang: "ru" },
    w.clock.now(),
  );
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    w.clock.advance(60_000);
    const r = await createTicket(w.kv, { topic: `Topic ${i}`, clientId, at: w.clock.now() });
    if (!r.ok) throw new Error(`Cannot seed ticket ${i}: ${r.reason}`);
    out.push(r.ticket.number);
  }
  return out;
}
