/**
 * fast-check arbitraries of chaos steps and sequences. Weights lean on what makes tickets
 * (customers writing) so that managers' steps find tickets to act on.
 *
 * @module
 */
import fc from "fast-check";
import type { AdminAct, ClientButton, ContentKind, FaultKind, Step } from "./model.ts";

/** Sizes of the generated world. */
export const CUSTOMERS = 3;
/** Managers in the world (harness: Maria, Ivan). */
export const MANAGERS = 2;

const customer = fc.nat({ max: CUSTOMERS - 1 });
const manager = fc.nat({ max: MANAGERS - 1 });
const slot = fc.nat({ max: 5 });
const kind = fc.constantFrom<ContentKind>(
  "text",
  "text",
  "text",
  "photo",
  "video",
  "voice",
  "document",
  "sticker",
  "location",
  "contact",
  "poll",
);
const button = fc.constantFrom<ClientButton>(
  "c:topic",
  "c:topic",
  "c:close",
  "c:reopen",
  "c:rate",
  "c:held_reopen",
  "c:held_new",
  "c:current",
);
const fault = fc.constantFrom<FaultKind>("429", "500", "drop", "drop-after");

const adminAct = fc.constantFrom<AdminAct>(
  "removeManager",
  "removeManager",
  "addManager",
  "hours",
  "target",
  "topic",
  "text",
  "bot",
  "bot",
  "report",
);

/** What the admin does. */
export const adminArb: fc.Arbitrary<Step> = fc.record({
  k: fc.constant("admin" as const),
  act: adminAct,
  arg: fc.nat({ max: 5 }),
});

/** A kill at a random point of the previous step's work. */
export const killArb: fc.Arbitrary<Step> = fc.record({
  k: fc.constant("kill" as const),
  delay: fc.nat({ max: 150 }),
});

/** A token rotation: revoked in @BotFather, the new one given now or a few steps later. */
export const rotateArb: fc.Arbitrary<Step> = fc.record({
  k: fc.constant("rotate" as const),
  bot: fc.constantFrom("client" as const, "client" as const, "manager" as const),
  gap: fc.nat({ max: 2 }),
});

/** Automatic forwards early or late from now on. */
export const forwardsArb: fc.Arbitrary<Step> = fc.record({
  k: fc.constant("forwards" as const),
  when: fc.constantFrom("early" as const, "late" as const, "late" as const),
  ms: fc.integer({ min: 20, max: 300 }),
});

/** One step. */
export const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 2, arbitrary: adminArb },
  { weight: 1, arbitrary: killArb },
  { weight: 1, arbitrary: rotateArb },
  { weight: 1, arbitrary: forwardsArb },
  {
    weight: 8,
    arbitrary: fc.record({
      k: fc.constant("send" as const),
      c: customer,
      kind,
      replyTo: fc.option(fc.nat({ max: 3 }), { nil: undefined, freq: 4 }),
    }, { requiredKeys: ["k", "c", "kind"] }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("album" as const),
      c: customer,
      n: fc.integer({ min: 2, max: 4 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("edit" as const),
      c: customer,
      back: fc.nat({ max: 2 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("new" as const), c: customer }) },
  {
    weight: 1,
    arbitrary: fc.record({ k: fc.constant("block" as const), c: customer, on: fc.boolean() }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant("open" as const),
      c: customer,
      topic: fc.nat({ max: 1 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant("press" as const),
      c: customer,
      prefix: button,
      pick: fc.nat({ max: 2 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("forged" as const), c: customer, t: slot }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("rateComment" as const), c: customer }) },
  {
    weight: 6,
    arbitrary: fc.record({
      k: fc.constant("comment" as const),
      m: manager,
      t: slot,
      note: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("mgrEdit" as const),
      m: manager,
      back: fc.nat({ max: 2 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant("post" as const),
      m: manager,
      t: slot,
      action: fc.constantFrom("take" as const, "close" as const, "reopen" as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ k: fc.constant("stranger" as const), t: slot, press: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("flood" as const),
      c: customer,
      n: fc.integer({ min: 3, max: 8 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("live" as const),
      c: customer,
      moves: fc.integer({ min: 1, max: 4 }),
      stop: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("mgrDelete" as const),
      m: manager,
      back: fc.nat({ max: 2 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant("cmd" as const),
      m: manager,
      t: slot,
      cmd: fc.constantFrom(
        "take" as const,
        "close" as const,
        "reopen" as const,
        "transfer" as const,
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant("fault" as const),
      bot: fc.constantFrom("client" as const, "manager" as const),
      method: fc.constantFrom(
        "sendMessage",
        "copyMessage",
        "editMessageText",
        "sendPhoto",
        "copyMessages",
      ),
      fault,
      count: fc.integer({ min: 1, max: 3 }),
    }),
  },
);

/** A sequence of 1..`max` steps. */
export function sequenceArb(max = 20): fc.Arbitrary<Step[]> {
  return fc.array(stepArb, { minLength: 1, maxLength: max, size: "medium" });
}
