import type { managerRu } from "./manager_ru.ts";

/** English texts of the manager bot; exactly the keys of the Russian file. */
export const managerEn: Record<keyof typeof managerRu, string> = {
  manager_placeholder: "manager",
};
