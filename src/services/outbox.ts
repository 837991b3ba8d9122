/**
 * The delivery worker: lanes and their scheduling. Jobs wait in KV (see `storage/outbox.ts`);
 * each lane of each ticket is delivered in order by one runner. What a job's Telegram calls
 * are is the senders' (outbox_senders.ts); what a failure means, the retry ceiling and the
 * quarantine are the failure policy's (outbox_failure.ts); channel posts are the post
 * updater's (post_updater.ts). Every send is paced by the bots' APIs (bots/pacing.ts).
 *
 * It stays one file over 400 lines: the Outbox class is one scheduler (lanes, their runners,
 * kicks, leases and the idle/stop handshake) whose parts share the same per-lane state.
 *
 * @module
 */
import { KeyedRunner } from "../chain.ts";
import type { Lane, MessageRecord, OutboxJob } from "../domain/records.ts";
import type { Ticket } from "../domain/ticket.ts";
import { deskChats } from "../domain/settings.ts";
import {
  busyLanes,
  completeJobBatched,
  dirtyPosts,
  headJob,
  laneJobs,
  markPostDirty,
  messagesOf,
  postDirtyEntry,
} from "../storage/outbox.ts";
import { getClient, patchClient } from "../storage/people.ts";
import { getSettings } from "../storage/settings.ts";
import { changeTicket, getTicketAndClient, ticketsByClient } from "../storage/tickets.ts";
import { type Notifier, OUTBOX_LIMITS, type OutboxLevers, type ServiceDeps } from "./deps.ts";
import { FailurePolicy, type LaneContext, type Outcome } from "./outbox_failure.ts";
import { coalescable, partsThatFit, Senders } from "./outbox_senders.ts";
import { PostUpdater } from "./post_updater.ts";
import { LeaseHolder } from "./leases.ts";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Most client messages one coalesced comment carries (each costs the completion a check or
 * two; KV takes 100 checks per operation).
 */
const MAX_PARTS = 10;

/**
 * Jobs a lane run lists at once: every further job of a list saves a read, and a shorter
 * list tells that the lane is drained (see `#runLane`).
 */
const LANE_BATCH = 8;

/**
 * What a change of a ticket just committed for one of its lanes, handed to the lane's
 * runner with the kick so that it is not read back from KV: the ticket as committed, and the
 * message records written (as stored, with the commit's versionstamp: the completion checks
 * them as read).
 */
export interface LaneHint {
  ticket: Ticket;
  records: Map<number, Deno.KvEntry<MessageRecord>>;
  /**
   * Every job the change queued into the lane (as committed), and the ticket's sequence
   * before (`after`) and after it (`through`): the change's commit checked that sequence, and
   * every job of a ticket is written by such a change, so no other job of the ticket came
   * between. A lane known to be empty through `after` then holds exactly `jobs` (see
   * {@linkcode Outbox}'s `#drained`).
   */
  jobs?: Deno.KvEntry<OutboxJob>[];
  after?: number;
  through?: number;
}

/** The durable, paced, ordered delivery worker. */
export class Outbox {
  readonly #deps: ServiceDeps;
  readonly #runners: KeyedRunner;
  /** Client of each ticket seen, so that a lane reads ticket and client at once. */
  readonly #clientOf = new Map<number, number>();
  /** What changes committed for lanes whose runner has not listed them since (by lane key). */
  readonly #fresh = new Map<string, LaneHint>();
  /**
   * Lanes delivered through a ticket sequence (every job of the lane up to it is done), by
   * lane key: a hint that follows on from there is the lane's whole content, so the runner
   * takes it instead of listing the lane. Only kept when this process is the only one on the
   * KV (long polling, no leases): with several, another's runner may have sent a hinted job.
   */
  readonly #drained = new Map<string, number>();
  /**
   * Lanes kicked without a hint since their runner last listed them: something this process
   * does not know of was queued there, so the next run lists the lane, hints or not.
   */
  readonly #unhinted = new Set<string>();
  readonly #failures: FailurePolicy;
  readonly #senders: Senders;
  readonly #posts: PostUpdater;
  readonly #levers: OutboxLevers;
  /** Lanes and posts another process works on: looked at again when its lease runs out. */
  readonly #later = new Map<string, ReturnType<typeof setTimeout>>();
  /** Null when this process is the only one on the KV (long polling). */
  readonly #leases: LeaseHolder | null;
  #stopped = false;

  /** `notifier`: who hears of messages given up on (the admins' alerts), read when needed. */
  constructor(deps: ServiceDeps, notifier: () => Notifier | undefined = () => undefined) {
    this.#deps = deps;
    this.#runners = new KeyedRunner((key, e) =>
      deps.log.error("outbox runner failed", { key, err: e })
    );
    this.#levers = { coalesce: true, secondWriter: true, ...deps.outboxLevers };
    const limits = { ...OUTBOX_LIMITS, ...deps.outboxLimits };
    this.#leases = limits.leaseMs === null
      ? null
      : new LeaseHolder(deps.kv, limits.leaseMs, deps.log);
    const enqueue = this.enqueue.bind(this);
    this.#failures = new FailurePolicy(
      deps,
      limits,
      notifier,
      { enqueue, markUnreachable: this.markUnreachable.bind(this) },
    );
    this.#senders = new Senders(deps, enqueue);
    this.#posts = new PostUpdater(deps, () => this.#stopped, (n) => this.kick(n, "group"));
  }

  /**
   * Makes sure a runner delivers the lane's jobs. `fresh`: what the change that queued them
   * just committed, so that the runner need not read it back (see {@linkcode LaneHint}).
   */
  kick(ticket: number, lane: Lane, fresh?: LaneHint): void {
    const key = `${ticket}:${lane}`;
    // (a lane's entry goes at its next list, which this kick brings about)
    if (fresh) this.#remember(key, fresh);
    else this.#unhinted.add(key);
    this.#run(
      key,
      () => this.kick(ticket, lane),
      () => this.#runLane(ticket, lane, key),
      async () => (await headJob(this.#deps.kv, ticket, lane)) !== null,
    );
  }

  /** Makes sure the ticket's post gets (re)rendered. */
  kickPost(ticket: number): void {
    const key = `${ticket}:post`;
    this.#run(
      key,
      () => this.kickPost(ticket),
      () => this.#posts.run(ticket, () => this.#holds(key)),
      async () => (await postDirtyEntry(this.#deps.kv, ticket)).versionstamp !== null,
    );
  }

  /**
   * Runs `fn` for `key` unless it runs already: here (then once more after it, see
   * KeyedRunner), or in another process sharing the KV (its lease; then `kick` again when that
   * runs out). `fn` resolves to true when it left no work behind; what another process added
   * meanwhile (it saw our lease and waits for it to run out) is found by `pending` after the
   * lease is given up.
   */
  #run(
    key: string,
    kick: () => void,
    fn: () => Promise<boolean>,
    pending: () => Promise<boolean>,
  ): void {
    const leases = this.#leases;
    const leased = async () => {
      if (!leases) {
        await fn();
        return;
      }
      const lease = await leases.take(key);
      if (!lease.ok) {
        this.#retryLater(key, kick, lease.retryInMs);
        return;
      }
      let drained = false;
      try {
        drained = await fn();
      } finally {
        await leases.release(key);
      }
      // a kick while this runner is busy makes it run once more
      if (drained && !this.#stopped && await pending()) kick();
    };
    this.#runners.kick(key, leased, () => this.#stopped);
  }

  /** Whether this process may go on with `key` (always, when it takes no leases). */
  #holds(key: string): boolean {
    return this.#leases?.holds(key) ?? true;
  }

  /** Looks at `key` again once another process's lease on it ran out (it may have died). */
  #retryLater(key: string, kick: () => void, ms: number): void {
    if (this.#later.has(key) || this.#stopped) return;
    this.#later.set(
      key,
      setTimeout(() => {
        this.#later.delete(key);
        kick();
      }, ms),
    );
  }

  /** Marks a ticket's post for re-rendering and renders it. */
  async markPost(ticket: number): Promise<void> {
    await markPostDirty(this.#deps.kv, ticket, this.#deps.clock.now());
    this.kickPost(ticket);
  }

  /** Picks up everything left in KV (after a restart, or from a cron run). */
  async resume(): Promise<void> {
    for (const [ticket, lane] of await busyLanes(this.#deps.kv)) this.kick(ticket, lane);
    for (const ticket of await dirtyPosts(this.#deps.kv)) this.kickPost(ticket);
  }

  /** Resolves when no runner is busy. */
  async idle(): Promise<void> {
    await this.#runners.idle();
  }

  /** Stops taking new work and waits for the runners in hand. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const t of this.#later.values()) clearTimeout(t);
    this.#later.clear();
    await this.idle();
  }

  /** Adds jobs to a ticket's lanes (allocating their order) and starts delivering them. */
  async enqueue(
    ticket: number,
    jobs: Array<{ lane: Lane; action: OutboxJob["action"] }>,
  ): Promise<void> {
    const at = this.#deps.clock.now();
    await changeTicket(this.#deps.kv, ticket, at, (_t, next) => ({
      jobs: jobs.map((j) => ({
        ticket,
        lane: j.lane,
        seq: next(),
        createdAt: at,
        attempts: 0,
        notBefore: 0,
        action: j.action,
      })),
      result: undefined,
    }));
    for (const lane of new Set(jobs.map((j) => j.lane))) this.kick(ticket, lane);
  }

  /**
   * Delivers a lane's jobs in order while this process holds its lease; true once empty.
   *
   * The lane is listed {@linkcode LANE_BATCH} jobs at a time and the context read once per
   * list: jobs of one ticket are committed in the order of their seqs (every change of a
   * ticket checks its sequence), so what is committed after a list comes after it in the
   * lane, and it is always followed by a kick, which runs the lane once more (KeyedRunner;
   * another process's: `pending` after the lease). A list shorter than the batch is thus the
   * lane drained, without one more read. Anything but a delivered job lists again.
   */
  async #runLane(ticket: number, lane: Lane, key: string): Promise<boolean> {
    const { kv } = this.#deps;
    let backlogged = false;
    let listed: Deno.KvEntry<OutboxJob>[] = [];
    let more = true;
    let ctx: LaneContext | null = null;
    // the ticket sequence through which what was listed (or hinted) is the whole lane, and the
    // last job delivered: once the lane is drained, every job up to either is done (a job
    // before the last one delivered was committed before it, so it was listed with it), and a
    // hint taken from there holds no job delivered already
    let through: number | undefined;
    let last: number | undefined;
    const drained = () => {
      const upTo = Math.max(through ?? -1, last ?? -1);
      if (upTo >= 0 && !this.#leases) {
        if (this.#drained.size > 10_000) this.#drained.clear();
        this.#drained.set(key, upTo);
      }
      return true;
    };
    while (!this.#stopped && this.#holds(key)) {
      if (!listed.length) {
        if (!more) return drained();
        // taken before the list: what it holds is at most as new as what the list shows
        const fresh = this.#fresh.get(key);
        this.#fresh.delete(key);
        const known = this.#unhinted.delete(key) ? undefined : this.#drained.get(key);
        // set again only once this run has delivered what it takes
        this.#drained.delete(key);
        if (fresh?.jobs && fresh.after !== undefined && fresh.after === known) {
          listed = fresh.jobs;
          more = false;
        } else {
          listed = await laneJobs(kv, ticket, lane, LANE_BATCH);
          more = listed.length === LANE_BATCH;
        }
        through = more ? undefined : fresh?.through ?? through;
        if (!listed.length) return drained();
        ctx = await this.#context(ticket, lane, fresh);
      }
      if (!ctx) return false;
      const job = listed[0]!;
      let outcome: Outcome;
      let also: Deno.KvEntry<OutboxJob>[] = [];
      let bot: "client" | "manager" = "client";
      let reserved: { release(): void } | null = null;
      try {
        const writers = lane === "group" ? await this.#textWriters(job.value, ctx) : [];
        if (writers.length) {
          // the slot first, then what goes in it: what waited meanwhile goes out together
          const r = await this.#deps.pacer.reserve(writers, ctx.groupId!);
          reserved = r;
          bot = r.bot as "client" | "manager";
          // once the lane has waited for the limit it coalesces until it is drained, whichever
          // bot's slot then comes free first
          backlogged ||= r.waited;
          const run = await this.#pending(job, ctx, backlogged);
          if (!run) {
            // the head went meanwhile (finally gives the slot back): list again
            listed = [];
            more = true;
            continue;
          }
          also = run.jobs.slice(1);
          outcome = run.texts.length
            ? await this.#senders.textsToGroup(run.texts, ctx, bot)
            : await this.#senders.execute(
              job.value,
              bot === "manager" ? this.#asManager(ctx) : ctx,
            );
        } else {
          outcome = await this.#senders.execute(job.value, ctx);
        }
      } catch (e) {
        also = [];
        outcome = await this.#failures.outcome(e, job.value, ctx, bot);
      } finally {
        reserved?.release();
      }
      if (outcome.kind === "done") {
        await completeJobBatched(kv, {
          job,
          ...(also.length ? { also } : {}),
          copies: outcome.copies,
          ...(outcome.headerId !== undefined ? { headerId: outcome.headerId } : {}),
          ...(outcome.read ? { read: outcome.read } : {}),
        });
        last = Math.max(last ?? -1, job.value.seq, ...also.map((j) => j.value.seq));
        // the coalesced jobs went with it (they are the ones right behind it in the lane)
        const gone = new Set([job, ...also].map((j) => j.key[3]));
        listed = listed.filter((j) => !gone.has(j.key[3]));
        continue;
      }
      // the job is still there, changed, or set aside: the lane and its context read again
      listed = [];
      more = true;
      through = undefined;
      switch (outcome.kind) {
        case "failed":
          await this.#failures.failed(job, outcome.seqs, outcome.reason);
          break;
        case "retry":
          if (!(await this.#failures.attempt(job, outcome.reason, outcome.counted))) {
            await sleep(outcome.ms);
          }
          break;
        case "hold":
          return false;
      }
    }
    return false;
  }

  /**
   * The bots that may write the lane's head job into the group as a text: a client's text
   * message (coalesced with those behind it) or a notice; none for anything else (media stay
   * with the client bot: file_ids and copies are its own).
   */
  async #textWriters(job: OutboxJob, ctx: LaneContext): Promise<Array<"client" | "manager">> {
    const { coalesce, secondWriter } = this.#levers;
    if (!coalesce && !secondWriter) return [];
    // without limits nothing ever waits: the look-ahead would only cost reads
    if (!Number.isFinite(this.#deps.pacer.limits.groupPerWindow)) return [];
    const a = job.action;
    if (a.type === "copy") {
      const [m] = await messagesOf(this.#deps.kv, job.ticket, [a.msgSeq]);
      if (!coalescable(m)) return [];
    } else if (a.type !== "notice" || !secondWriter) return [];
    return secondWriter && ctx.managerApi ? ["client", "manager"] : ["client"];
  }

  /**
   * The head job and, when it is a client's text, the texts right behind it in the lane
   * (coalescing on and the lane `waited` for the group's limit: as many as fit one comment);
   * null when the head is no longer there.
   */
  async #pending(
    head: Deno.KvEntry<OutboxJob>,
    ctx: LaneContext,
    waited: boolean,
  ): Promise<{ jobs: Deno.KvEntry<OutboxJob>[]; texts: MessageRecord[] } | null> {
    const { kv } = this.#deps;
    const n = head.value.ticket;
    // Why only after a wait: messages that merely arrived together (or waited for the thread
    // root) stay one comment each, as the client wrote them
    const jobs = await laneJobs(kv, n, "group", this.#levers.coalesce && waited ? MAX_PARTS : 1);
    if (jobs[0]?.versionstamp !== head.versionstamp) return null;
    if (head.value.action.type !== "copy") return { jobs: [head], texts: [] };
    let run = 0;
    while (run < jobs.length && jobs[run]!.value.action.type === "copy") run++;
    const seqs = jobs.slice(0, run).map((j) => (j.value.action as { msgSeq: number }).msgSeq);
    const records = await messagesOf(kv, n, seqs);
    let k = 0;
    while (k < records.length && coalescable(records[k])) k++;
    if (k === 0) return { jobs: [head], texts: [] };
    const texts = records.slice(0, k) as MessageRecord[];
    const fit = partsThatFit(texts, ctx.settings.timeZone);
    return { jobs: jobs.slice(0, fit), texts: texts.slice(0, fit) };
  }

  /** The context with the manager bot writing. */
  #asManager(ctx: LaneContext): LaneContext {
    return { ...ctx, api: ctx.managerApi ?? ctx.api };
  }

  /**
   * Keeps what a change committed for the lane's runner, the records merged with earlier; the
   * jobs too while each change follows on from the one before (else the lane is listed).
   */
  #remember(key: string, fresh: LaneHint): void {
    const before = this.#fresh.get(key);
    // a lane kicked but never run (stopped meanwhile) must not keep its hints for good
    if (!before && this.#fresh.size > 10_000) this.#fresh.clear();
    const chained = !before ||
      (before.jobs && before.through !== undefined && before.through === fresh.after);
    this.#fresh.set(key, {
      ticket: fresh.ticket,
      records: new Map([...(before?.records ?? []), ...fresh.records]),
      ...(chained && fresh.jobs && fresh.after !== undefined
        ? { jobs: [...(before?.jobs ?? []), ...fresh.jobs], after: before?.after ?? fresh.after }
        : {}),
      ...(fresh.through !== undefined ? { through: fresh.through } : {}),
    });
  }

  /**
   * What the lane's jobs are delivered with. The group lane takes the ticket a change of
   * this process just committed (`fresh`) instead of reading it: of it, the lane needs only
   * what does not change once the thread is there (its number, client and thread), and it
   * needs nothing of the client; a ticket without its thread yet is read, as the thread may
   * have come since.
   */
  async #context(ticket: number, lane: Lane, fresh?: LaneHint): Promise<LaneContext | null> {
    const { kv } = this.#deps;
    const apis = this.#deps.apis();
    const api = apis.client;
    if (!api) return null;
    if (lane === "group" && fresh && fresh.ticket.threadId !== null) {
      const settings = await getSettings(kv);
      const groupId = deskChats(settings, fresh.ticket.desk).groupId;
      if (groupId === null) return null;
      return {
        ticket: fresh.ticket,
        client: null,
        settings,
        groupId,
        api,
        managerApi: apis.manager,
        known: fresh.records,
      };
    }
    const [{ ticket: t, client }, settings] = await Promise.all([
      getTicketAndClient(kv, ticket, this.#clientOf.get(ticket)),
      getSettings(kv),
    ]);
    if (!t) return null;
    if (this.#clientOf.size > 10_000) this.#clientOf.clear();
    this.#clientOf.set(ticket, t.clientId);
    const groupId = deskChats(settings, t.desk).groupId;
    if (lane === "group" && (t.threadId === null || groupId === null)) return null;
    if (lane === "client" && client?.unreachable) return null;
    return {
      ticket: t,
      client,
      settings,
      groupId,
      api,
      managerApi: apis.manager,
    };
  }

  /**
   * Marks a client (un)reachable. Going unreachable tells the threads of their open tickets;
   * coming back restarts delivery of what waited.
   */
  async markUnreachable(clientId: number, unreachable: boolean): Promise<void> {
    const { kv } = this.#deps;
    const before = await getClient(kv, clientId);
    if (!before || before.unreachable === unreachable) return;
    await patchClient(kv, clientId, () => ({ unreachable }));
    for (const tk of await ticketsByClient(kv, clientId)) {
      // what waited for them goes out, a closed ticket's too (its close notice, the rating)
      if (!unreachable) this.kick(tk.number, "client");
      if (tk.status !== "closed") {
        await this.enqueue(tk.number, [{
          lane: "group",
          action: {
            type: "notice",
            key: unreachable ? "thread_client_unreachable" : "thread_client_back",
            params: {},
          },
        }]);
      }
      // every post shows whether the client is reachable, a closed ticket's too (its close
      // notice may be what found them gone): the threads of closed tickets are not told
      await this.markPost(tk.number);
    }
  }
}
