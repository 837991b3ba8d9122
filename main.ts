/**
 * Entry point: reads the config once, opens KV, wires the service and stops cleanly on
 * SIGINT/SIGTERM.
 *
 * @module
 */
import { startApp } from "./src/app.ts";
import { loadConfig } from "./src/config.ts";
import { ConfigError } from "./src/errors.ts";
import { createLogger } from "./src/log.ts";

if (import.meta.main) {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      Deno.exit(2);
    }
    throw e;
  }
  const log = createLogger(config.logLevel);
  const app = await startApp(config, { log });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    log.info("stopping");
    await app.stop();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}
