/**
 * The line filter of `deno task chaos`'s output: the traces of the connections a run drops on
 * purpose are hidden (and counted); everything else passes unchanged.
 *
 * @module
 */

/**
 * The trace Deno's HTTP server prints (natively, past any console override) for every
 * response whose body breaks: the dropped connections the run injects on purpose, in the
 * emulator and in the world's proxies. Hundreds of them buried a batch's failures.
 */
const DROPPED = /^Error: (the connection broke|connection dropped by emulator fault)$/;
/** Deno's notice about the proxies' use of `request.signal`, once per process. */
const NOTICE = /^Deno\.serve: request\.signal aborts on successful responses/;

/** Decides line by line what of a batch's stderr is shown; counts the traces it hid. */
export class DroppedTraceFilter {
  /** Traces hidden so far. */
  hidden = 0;
  #skipping = false;

  /** Whether `line` is shown: not the first line of a dropped connection's trace, nor its frames. */
  pass(line: string): boolean {
    if (DROPPED.test(line)) {
      this.hidden++;
      this.#skipping = true;
      return false;
    }
    if (this.#skipping && /^\s+at /.test(line)) return false;
    this.#skipping = false;
    return !NOTICE.test(line);
  }
}
