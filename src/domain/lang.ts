/**
 * The languages the interface speaks; a domain fact because records store a person's language,
 * while the texts in each language live in `src/i18n`.
 *
 * @module
 */

/** Languages the interface speaks. */
export type Lang = "ru" | "en";
