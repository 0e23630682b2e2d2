import { test } from "node:test";
import assert from "node:assert/strict";
import { toServerSettings } from "../src/settings";

test("readability thresholds become rule options", () => {
  const s = toServerSettings({ maxSentenceWords: 20, maxLix: 50 }, true);
  assert.deepEqual(s.options, { "lang-setning": { max: 20 }, "lix-avsnitt": { max: 50 }, "lix-seksjon": { max: 50 } });
});

test("unknown values fall back and bad severities are dropped", () => {
  const s = toServerSettings({ language: "sv", messageLanguage: "nn", severity: { passiv: "hint", kanselli: "loud" } }, false);
  assert.equal(s.language, "auto");
  assert.equal(s.messageLanguage, "nn");
  assert.deepEqual(s.severity, { passiv: "hint" });
  assert.equal(s.trusted, false);
});

test("packs and ignores pass through", () => {
  const s = toServerSettings({ disabledPacks: ["norsk"], ignore: ["lix-*"] }, true);
  assert.deepEqual(s.disabledPacks, ["norsk"]);
  assert.deepEqual(s.ignore, ["lix-*"]);
});
