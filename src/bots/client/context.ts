/**
 * The client bot's context: what its button gate (in `menu.ts`) adds to a press before any
 * feature answers it, the way the desk's gate adds `DeskFlavor` and the settings bot's adds
 * `SettingsFlavor`.
 *
 * @module
 */
import type { Context } from "grammy";
import type { Client } from "../../domain/records.ts";
import type { ClientAction } from "../../services/callback_data.ts";

/** What the button gate adds to the context of a press of a client button. */
export interface ClientFlavor {
  /** The customer who pressed, as stored. */
  customer?: Client;
  /** The pressed client button, validated. */
  clientButton?: ClientAction;
}

/** Context of the client bot. */
export type CCtx = Context & ClientFlavor;

/** The customer of a press that passed the button gate. */
export function customerOf(ctx: CCtx): Client {
  if (!ctx.customer) throw new Error("Cannot find the customer: the button gate did not run");
  return ctx.customer;
}
