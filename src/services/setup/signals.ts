/**
 * In-process signals from the manager bot to the settings bot (a channel to offer, a manager
 * who joined). Bots never see each other's messages (DESIGN.md fact 3), so what one learns
 * reaches the other through the process: the fact is stored in KV first, then signalled here.
 * Listeners are keyed by the KV handle, so two services in one process (tests) never mix.
 *
 * @module
 */
import { kvState } from "../../storage/kv_state.ts";

/** Something the settings bot should tell the admins. */
export type SetupSignal =
  | { type: "channel_offer"; chatId: number; title: string }
  | { type: "manager_joined"; managerId: number; name: string };

type Listener = (s: SetupSignal) => void | Promise<void>;

const listeners = kvState((): Set<Listener> => new Set());

/** Subscribes to the signals of the service using `kv`; returns the unsubscribe function. */
export function onSetupSignal(kv: Deno.Kv, fn: Listener): () => void {
  const set = listeners(kv);
  set.add(fn);
  return () => set.delete(fn);
}

/** Tells the listeners; their failures are reported to `onError`, never thrown. */
export function emitSetupSignal(
  kv: Deno.Kv,
  s: SetupSignal,
  onError: (e: unknown) => void,
): void {
  for (const fn of listeners(kv)) {
    try {
      void Promise.resolve(fn(s)).catch(onError);
    } catch (e) {
      onError(e);
    }
  }
}
