/**
 * The one polling wait of the tests, scripts and benchmarks: what happens in the emulator and
 * the service is asynchronous, so a check waits until its condition holds, or fails naming
 * what it waited for.
 *
 * @module
 */

/** Options of {@linkcode until}. */
export interface UntilOptions {
  /** How often the condition is asked (ms; default 10). */
  everyMs?: number;
  /** Called once before the timeout error, to print what a failure needs to be understood. */
  onTimeout?: () => void | Promise<void>;
}

/** Waits until `cond` holds, or throws "Timed out waiting for {what}" after `timeoutMs`. */
export async function until(
  cond: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
  o: UntilOptions = {},
): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!(await cond())) {
    if (performance.now() > end) {
      await o.onTimeout?.();
      throw new Error(`Timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, o.everyMs ?? 10));
  }
}
