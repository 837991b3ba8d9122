import assert from "node:assert/strict";
import { langOf, locales, plural, t } from "./mod.ts";

Deno.test("i18n: ru and en have exactly the same keys", () => {
  assert.deepEqual(Object.keys(locales.en).sort(), Object.keys(locales.ru).sort());
});

Deno.test("i18n: the same placeholders in both languages, no empty text", () => {
  for (const key of Object.keys(locales.ru) as Array<keyof typeof locales.ru>) {
    const ph = (s: string) =>
      [...new Set([...s.matchAll(/\{(\w+)(?:\|[^{}]*)?\}/g)].map((m) => m[1]))].sort();
    assert.deepEqual(ph(locales.en[key]), ph(locales.ru[key]), key);
    assert.ok(locales.ru[key].trim() && locales.en[key].trim(), key);
  }
});

Deno.test("i18n: language choice and placeholders", () => {
  assert.equal(langOf("en-US"), "en");
  assert.equal(langOf("de"), "en", "neither Russian nor English: English");
  assert.equal(langOf("ru-RU"), "ru");
  assert.equal(langOf(undefined), "en");
  assert.match(t("en", "ticket_header", { number: 12, topic: "T" }), /#12 · T/);
  assert.match(t("ru", "ticket_header", { number: 12, topic: "T" }), /#12 · T/);
});

Deno.test("i18n: plural forms follow each language's rules", () => {
  const en = (n: number) => t("en", "s_deleted", { id: 7, count: n });
  assert.equal(en(1), "Client 7's data deleted (1 ticket).");
  assert.equal(en(2), "Client 7's data deleted (2 tickets).");
  const ru = (n: number) => t("ru", "desk_quiet_thread", { days: n });
  assert.match(ru(1), /1 день\./);
  assert.match(ru(3), /3 дня\./);
  assert.match(ru(5), /5 дней\./);
  assert.match(ru(21), /21 день\./);
  assert.match(ru(12), /12 дней\./);
  assert.equal(plural("ru", 1.5, ["обращение", "обращения", "обращений"]), "обращения");
});

Deno.test("i18n: every plural placeholder has the forms its language needs", () => {
  for (const lang of ["ru", "en"] as const) {
    for (const [key, text] of Object.entries(locales[lang])) {
      for (const m of text.matchAll(/\{\w+\|([^{}]*)\}/g)) {
        assert.equal(m[1]!.split("|").length, lang === "ru" ? 3 : 2, `${lang} ${key}: ${m[0]}`);
      }
    }
  }
});
