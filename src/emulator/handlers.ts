/**
 * The Bot API method handler table: the tools of methods.ts and the handlers of each method
 * group (methods_*.ts).
 *
 * @module
 */
import { messageMethods } from "./methods_messages.ts";
import { editMethods } from "./methods_edits.ts";
import { botMethods } from "./methods_bot.ts";
import { type Api, type ApiEnv, type Handler, makeTools } from "./methods.ts";

/** Builds the handler table. */
export function makeHandlers(env: ApiEnv): Api {
  const t = makeTools(env);
  const h = new Map<string, Handler>();
  messageMethods(h, t, env);
  editMethods(h, t, env);
  botMethods(h, t, env);
  return { handlers: h, afterPosts: t.afterPosts };
}
