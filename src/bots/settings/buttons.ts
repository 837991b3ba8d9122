/**
 * Callback data of the settings bot: `s:<action>[:<arg>…]`, compact (≤ 64 bytes) and
 * validated with zod; anything forged or stale parses to null.
 *
 * @module
 */
import { z } from "zod";

/** Every action of the settings bot's buttons. */
export const ACTIONS = [
  "menu",
  "cancel",
  "setup",
  "token",
  "mig_ok",
  "channel",
  "ch",
  "ch_yes",
  "status",
  "unhook",
  "open",
  "close",
  "bots",
  "stop",
  "stop_yes",
  "restart",
  "managers",
  "invite",
  "mgr_add",
  "mgr_rm",
  "mgr_rm_ok",
  "admins",
  "adm_add",
  "adm_rm",
  "hours",
  "set",
  "hol_clear",
  "topics",
  "top_add",
  "top_up",
  "top_rm",
  "top_ren",
  "top_lang",
  "texts",
  "text",
  "text_reset",
  "tickets",
  "tk_find",
  "tk_tr",
  "tk_to",
  "clients",
  "cl_find",
  "cl_exp",
  "cl_del",
  "cl_del_ok",
  "reports",
  "rep",
  "rep_sched",
  "assign",
  "as_mode",
  "as_grp",
  "top_faq",
] as const;

/** A button's action. */
export type Action = typeof ACTIONS[number];

/** A parsed button. */
export interface Button {
  action: Action;
  args: string[];
}

const arg = z.string().regex(/^-?[A-Za-z0-9_]{1,20}$/);
const schema = z.tuple([z.literal("s"), z.enum(ACTIONS)], arg);

/** Builds a button's data. */
export function btn(action: Action, ...args: Array<string | number>): string {
  const data = ["s", action, ...args.map(String)].join(":");
  if (new TextEncoder().encode(data).length > 64) throw new RangeError("callback data too long");
  return data;
}

/** Parses a button's data; null when it is not ours or not valid. */
export function parseButton(data: string): Button | null {
  const parts = data.split(":");
  if (parts.length > 5) return null;
  const r = schema.safeParse(parts);
  return r.success ? { action: r.data[1], args: r.data.slice(2) as string[] } : null;
}

/** A positive integer argument (an id, a ticket number), or null. */
export const intArg = (v: string | undefined): number | null => {
  const r = z.coerce.number().int().min(-(2 ** 52)).max(2 ** 52).safeParse(v);
  return r.success && v !== undefined && v !== "" ? r.data : null;
};

/** An index argument 0…99, or null. */
export const indexArg = (v: string | undefined): number | null => {
  const r = z.coerce.number().int().min(0).max(99).safeParse(v);
  return r.success && v !== undefined && v !== "" ? r.data : null;
};

/** A bot kind argument. */
export const kindArg = (v: string | undefined): "client" | "manager" | null => {
  const r = z.enum(["client", "manager"]).safeParse(v);
  return r.success ? r.data : null;
};
