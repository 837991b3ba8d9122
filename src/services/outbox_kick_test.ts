import assert from "node:assert/strict";
import { systemClock } from "../clock.ts";
import { createLogger } from "../log.ts";
import { Outbox } from "./outbox.ts";
import { Pacer, TELEGRAM_LIMITS } from "./pacer.ts";

/**
 * A real KV whose first read of the outbox waits for the test: once released, what is left of
 * the lane's run (no job: it ends) takes only microtasks, so a kick can be placed exactly
 * `depth` microtasks after that read, wherever the runner then is.
 */
function gatedKv(inner: Deno.Kv) {
  let reads = 0;
  let reached!: () => void;
  let release!: () => void;
  const atGate = new Promise<void>((r) => reached = r);
  const gate = new Promise<void>((r) => release = r);
  const kv = new Proxy(inner, {
    get(target, prop) {
      if (prop !== "list") {
        const v = Reflect.get(target, prop, target);
        return typeof v === "function" ? v.bind(target) : v;
      }
      return (sel: Deno.KvListSelector, o?: Deno.KvListOptions) => {
        const it = target.list(sel, o);
        const first = "prefix" in sel && sel.prefix[0] === "outbox" && ++reads === 1;
        const wrapped = {
          async next() {
            const v = await it.next();
            if (first) {
              reached();
              await gate;
            }
            return v;
          },
          [Symbol.asyncIterator]: () => wrapped,
        };
        return wrapped;
      };
    },
  });
  return { kv, atGate, release, reads: () => reads };
}

Deno.test("outbox: a kick arriving as the lane's runner finishes makes it run again", async () => {
  const raw = await Deno.openKv(":memory:");
  const outboxOn = (kv: Deno.Kv) =>
    new Outbox({
      kv,
      clock: systemClock,
      log: createLogger("silent"),
      pacer: new Pacer(TELEGRAM_LIMITS),
      adminIds: [],
      apis: () => ({ client: null, manager: null }),
    });
  try {
    // the outbox reads one run of an empty lane makes
    const one = gatedKv(raw);
    const alone = outboxOn(one.kv);
    alone.kick(1, "client");
    await one.atGate;
    one.release();
    await alone.idle();
    const perRun = one.reads();
    assert.ok(perRun >= 1);
    for (let depth = 0; depth < 24; depth++) {
      const g = gatedKv(raw);
      const outbox = outboxOn(g.kv);
      outbox.kick(1, "client");
      await g.atGate;
      g.release();
      for (let i = 0; i < depth; i++) await Promise.resolve();
      // a job enqueued meanwhile kicks its lane: the runner must look again, whenever it was
      outbox.kick(1, "client");
      await outbox.idle();
      assert.equal(
        g.reads(),
        2 * perRun,
        `the kick ${depth} microtasks after the last read was lost`,
      );
    }
  } finally {
    raw.close();
  }
});
