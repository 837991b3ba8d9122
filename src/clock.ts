/**
 * Time as a dependency: everything that reads the clock gets a {@linkcode Clock}, so tests
 * can move time instead of waiting.
 *
 * @module
 */

/** Source of the current time in epoch milliseconds. */
export interface Clock {
  now(): number;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told to; for tests and simulations. */
export class ManualClock implements Clock {
  #now: number;
  constructor(start: number | Date = Date.UTC(2026, 0, 5, 9, 0, 0)) {
    this.#now = typeof start === "number" ? start : start.getTime();
  }
  /** Current time. */
  now(): number {
    return this.#now;
  }
  /** Moves time forward by `ms`. */
  advance(ms: number): void {
    this.#now += ms;
  }
  /** Jumps to an instant. */
  set(at: number | Date): void {
    this.#now = typeof at === "number" ? at : at.getTime();
  }
}
