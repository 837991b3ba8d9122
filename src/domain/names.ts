/**
 * Text people typed (names, topics) shown next to ours: it must not be able to reorder our
 * line (a right-to-left override in a name turns "Client: Bob (id 5)" around), hide in
 * invisible characters, or push our text off the screen.
 *
 * @module
 */

/** Bidi controls (embeddings, overrides, isolates, marks) and zero-width characters. */
const INVISIBLE = /[\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g;
const FSI = "\u2068";
const PDI = "\u2069";

/** `text` without bidi controls or zero-width characters, spaces collapsed, trimmed. */
export function cleanTyped(text: string): string {
  return text.replace(INVISIBLE, "").replace(/\s+/g, " ").trim();
}

/**
 * `text` made safe to show inside our sentences: cleaned, cut to `max` characters (with
 * "…"), and wrapped in a first-strong isolate, so that a right-to-left name is shown right to
 * left without turning the rest of the line around.
 */
export function isolateTyped(text: string, max = 64): string {
  const clean = cleanTyped(text);
  const chars = [...clean];
  const cut = chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : clean;
  return `${FSI}${cut}${PDI}`;
}
