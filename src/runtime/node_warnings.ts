/**
 * Imported first by the entry points: grammY's npm build pulls in node-fetch → whatwg-url →
 * punycode, and Deno's Node compatibility prints Node's deprecation warning for punycode on
 * every start. It says nothing to an admin and hides the lines that do, so Node deprecation
 * warnings are off (nothing of ours uses a deprecated Node API).
 *
 * @module
 */
import process from "node:process";

(process as unknown as { noDeprecation: boolean }).noDeprecation = true;
