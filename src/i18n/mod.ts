/**
 * One way to look up a user-facing text: `t(lang, key, params)`.
 * Russian is the default; English is used for users whose Telegram language is English.
 *
 * @module
 */
import { en } from "./en.ts";
import { ru } from "./ru.ts";

/** Languages the interface speaks. */
export type Lang = "ru" | "en";

/** Every text key (the Russian file is the reference). */
export type TextKey = keyof typeof ru;

/** Locale tables by language. */
export const locales: Record<Lang, Record<TextKey, string>> = { ru, en };

/**
 * Picks the interface language from a Telegram `language_code`: Russian or English when the
 * user's Telegram speaks it, else `fallback` (DEFAULT_LANGUAGE; English when not set).
 */
export function langOf(languageCode: string | undefined | null, fallback: Lang = "en"): Lang {
  const code = languageCode?.toLowerCase() ?? "";
  // a German or Spanish customer used to get Russian
  return code.startsWith("ru") ? "ru" : code.startsWith("en") ? "en" : fallback;
}

/** Returns the text for `key` in `lang` with `{name}` placeholders filled from `params`. */
export function t(lang: Lang, key: TextKey, params: Record<string, string | number> = {}): string {
  const template = locales[lang][key];
  return template.replace(/\{(\w+)\}/g, (m, name: string) => {
    const v = params[name];
    return v === undefined ? m : String(v);
  });
}
