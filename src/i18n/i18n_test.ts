import assert from "node:assert/strict";
import { langOf, locales, t } from "./mod.ts";

Deno.test("i18n: ru and en have exactly the same keys", () => {
  assert.deepEqual(Object.keys(locales.en).sort(), Object.keys(locales.ru).sort());
});

Deno.test("i18n: the same placeholders in both languages, no empty text", () => {
  for (const key of Object.keys(locales.ru) as Array<keyof typeof locales.ru>) {
    const ph = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
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
