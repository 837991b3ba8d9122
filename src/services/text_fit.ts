/**
 * Screens that list what people added (holidays, managers, canned replies…) must open however
 * long the list grew: Telegram refuses a message over 4,096 characters, and a screen that
 * cannot be sent also hides the buttons that would fix it.
 *
 * @module
 */

/** Characters of a message Telegram accepts (after entity parsing). */
export const MESSAGE_MAX = 4096;

/**
 * The first lines that fit in `max` characters joined by `sep`, then `more(n)` for the `n`
 * left out (nothing when all fit).
 */
export function fitLines(
  lines: readonly string[],
  more: (n: number) => string,
  max = 3500,
  sep = "\n",
): string {
  let out = "";
  for (let i = 0; i < lines.length; i++) {
    const next = out ? out + sep + lines[i] : lines[i]!;
    const tail = more(lines.length - i);
    if (next.length + sep.length + tail.length > max) return out ? out + sep + tail : tail;
    out = next;
  }
  return out;
}

/** A last guard for any text: cut to Telegram's limit with "…" (never refused for length). */
export function fitMessage(text: string, max = MESSAGE_MAX): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
