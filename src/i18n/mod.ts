/**
 * One way to look up a user-facing text: `t(lang, key, params)`.
 * Russian is the default; English is used for users whose Telegram language is English.
 *
 * @module
 */
import type { Lang } from "../domain/lang.ts";
import { en } from "./en.ts";
import { ru } from "./ru.ts";

/** The languages, defined in the domain; re-exported so that texts and languages come together. */
export type { Lang };

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

/**
 * The order of the forms in a plural placeholder, by language: `{n|one|other}` in English,
 * `{n|one|few|many}` in Russian (1 обращение, 2 обращения, 5 обращений).
 */
const PLURAL_ORDER: Record<Lang, readonly Intl.LDMLPluralRule[]> = {
  en: ["one", "other"],
  ru: ["one", "few", "many"],
};
const pluralRules: Record<Lang, Intl.PluralRules> = {
  en: new Intl.PluralRules("en"),
  ru: new Intl.PluralRules("ru"),
};

/** Picks the form of `forms` (ordered as in PLURAL_ORDER) that Intl's plural rules choose for `n`. */
export function plural(lang: Lang, n: number, forms: readonly string[]): string {
  const category = pluralRules[lang].select(n);
  const order = PLURAL_ORDER[lang];
  // Russian fractions are "other" (1,5 обращения): they read as the "few" form
  const at = order.indexOf(category);
  const i = at >= 0 ? at : lang === "ru" ? 1 : order.length - 1;
  return forms[Math.min(i, forms.length - 1)] ?? "";
}

/**
 * Returns the text for `key` in `lang` with `{name}` placeholders filled from `params`;
 * `{name|form|form…}` becomes the plural form for the number `params.name`.
 */
export function t(lang: Lang, key: TextKey, params: Record<string, string | number> = {}): string {
  const template = locales[lang][key];
  return template.replace(/\{(\w+)((?:\|[^|{}]*)+)?\}/g, (m, name: string, forms?: string) => {
    const v = params[name];
    if (v === undefined) return m;
    if (!forms) return String(v);
    return plural(lang, Number(v), forms.slice(1).split("|"));
  });
}
