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

test("include and exclude globs pass through, trimmed, without blanks or repeats", () => {
  const s = toServerSettings({ include: ["kapitler/**/*.md", " ", "kapitler/**/*.md"], exclude: ["utkast/gammelt/**", 3 as unknown as string] }, true);
  assert.deepEqual(s.include, ["kapitler/**/*.md"]);
  assert.deepEqual(s.exclude, ["utkast/gammelt/**"]);
  assert.deepEqual(toServerSettings({}, true).include, []);
});

test("files.exclude sends only the patterns that are on", () => {
  const s = toServerSettings({ filesExclude: { "**/.git": true, "**/node_modules": false, "**/*.js": { when: "$(basename).ts" }, "arkiv/**": true } }, true);
  assert.deepEqual(s.filesExclude, ["**/.git", "arkiv/**"]);
});

test("the files turned off are sent as URIs", () => {
  const s = toServerSettings({ disabledFiles: ["file:///ws/02-klima.md"] }, true);
  assert.deepEqual(s.disabledFiles, ["file:///ws/02-klima.md"]);
  assert.deepEqual(toServerSettings({}, true).disabledFiles, []);
});
