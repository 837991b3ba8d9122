/**
 * Recorder of calls that do something on Telegram the caller probably did not mean: a
 * parameter the method does not have (Telegram ignores it) or a forum topic id sent to a chat
 * without topics (the message lands outside any thread). See docs/emulator.md, "Ignored
 * parameters and anomalies".
 */

/** Kind of an anomaly. */
export type AnomalyKind = "ignored_parameter" | "thread_id_outside_forum";

/** One recorded anomaly; `field` is the dotted path of the parameter concerned. */
export interface Anomaly {
  method: string;
  botId: number;
  kind: AnomalyKind;
  field: string;
}

/** Bounded, in-memory list of anomalies (oldest dropped first). */
export class AnomalyRecorder {
  private list: Anomaly[] = [];

  constructor(private readonly max = 1000) {}

  /** Records one anomaly. */
  record(a: Anomaly): void {
    this.list.push(a);
    if (this.list.length > this.max) this.list.shift();
  }

  /** A copy of the recorded anomalies, oldest first. */
  all(): Anomaly[] {
    return this.list.map((a) => ({ ...a }));
  }

  /** Forgets every recorded anomaly. */
  clear(): void {
    this.list = [];
  }
}
