import type { settingsRu } from "./settings_ru.ts";

/** English texts of the settings bot; exactly the keys of the Russian file. */
export const settingsEn: Record<keyof typeof settingsRu, string> = {
  settings_placeholder: "settings",
};
