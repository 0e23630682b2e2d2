import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "fs";
import { chooseUiLanguage, format, norwegian, Translator } from "../src/i18n";

test("klarsyn.messageLanguage wins over everything", () => {
  assert.equal(chooseUiLanguage({ messageLanguage: "nn", displayLanguage: "nb", draftLanguage: "en" }), "nn");
  assert.equal(chooseUiLanguage({ messageLanguage: "en", displayLanguage: "nb" }), "en");
});

test("auto: a Norwegian display language is used", () => {
  assert.equal(chooseUiLanguage({ messageLanguage: "auto", displayLanguage: "nb", draftLanguage: "nn" }), "nb");
  assert.equal(chooseUiLanguage({ displayLanguage: "nn", draftLanguage: "nb" }), "nn");
  assert.equal(chooseUiLanguage({ displayLanguage: "no" }), "nb");
});

test("auto: another display language than English is left to vscode.l10n", () => {
  assert.equal(chooseUiLanguage({ displayLanguage: "de", draftLanguage: "nb", osLocale: "nb_NO.UTF-8" }), undefined);
});

test("auto: English, the stock display language, defers to the drafts, then the OS locale", () => {
  assert.equal(chooseUiLanguage({ displayLanguage: "en", draftLanguage: "nn", osLocale: "en_US.UTF-8" }), "nn");
  assert.equal(chooseUiLanguage({ displayLanguage: "en", draftLanguage: "en", osLocale: "nb_NO.UTF-8" }), "en");
  assert.equal(chooseUiLanguage({ displayLanguage: "en", osLocale: "nb-NO" }), "nb");
  assert.equal(chooseUiLanguage({ displayLanguage: "en-gb", osLocale: "nn_NO.UTF-8" }), "nn");
  assert.equal(chooseUiLanguage({ displayLanguage: "en", osLocale: "en-US" }), undefined);
  assert.equal(chooseUiLanguage({ displayLanguage: "en", osLocale: ["en-us", "C.UTF-8", "nn-NO"] }), "nn");
});

test("Norwegian tags and locales", () => {
  assert.equal(norwegian("nb-NO"), "nb");
  assert.equal(norwegian("no_NO.UTF-8"), "nb");
  assert.equal(norwegian("nn"), "nn");
  assert.equal(norwegian("nl-NL"), undefined);
  assert.equal(norwegian("nnh"), undefined);
  assert.equal(norwegian(undefined), undefined);
});

test("format fills {0}… and keeps unknown placeholders", () => {
  assert.equal(format("{0} er {1}; {2}", ["python3", "3.10"]), "python3 er 3.10; {2}");
});

test("the translator reads our bundle and falls back for unknown strings or no language", () => {
  const calls: string[] = [];
  const tr = new Translator("l10n", (m, args) => {
    calls.push(m);
    return `vscode:${format(m, args)}`;
  });
  tr.language = "nn";
  assert.equal(tr.t("klarsyn: off"), "klarsyn: av");
  assert.equal(tr.t("{0} is {1}; klarsyn needs Python 3.11 or newer.", "python3", "3.10"), "python3 er 3.10; klarsyn treng Python 3.11 eller nyare.");
  assert.equal(tr.t("not in any bundle"), "vscode:not in any bundle");
  tr.language = "en";
  assert.equal(tr.t("klarsyn: off"), "klarsyn: off");
  tr.language = undefined;
  assert.equal(tr.t("Show log"), "vscode:Show log");
  assert.deepEqual(calls, ["not in any bundle", "Show log"]);
});

// Every runtime string in src/ has its entry in each bundle, and the bundles hold nothing else.
test("the l10n bundles cover the runtime strings exactly", () => {
  const used = new Set<string>();
  for (const f of readdirSync("src").filter((n) => n.endsWith(".ts"))) {
    for (const m of readFileSync(`src/${f}`, "utf8").matchAll(/\b(?:t|tr)\("((?:[^"\\]|\\.)*)"/g)) used.add(JSON.parse(`"${m[1]}"`));
  }
  assert.ok(used.size > 30);
  for (const suffix of ["", ".nb", ".nn"]) {
    const bundle = JSON.parse(readFileSync(`l10n/bundle.l10n${suffix}.json`, "utf8")) as Record<string, string>;
    assert.deepEqual(Object.keys(bundle).sort(), [...used].sort(), `l10n/bundle.l10n${suffix}.json`);
    for (const [source, text] of Object.entries(bundle)) {
      const holes = (s: string) => (s.match(/\{\d+\}/g) ?? []).sort().join();
      assert.equal(holes(text), holes(source), `placeholders of ${JSON.stringify(source)} in ${suffix || "en"}`);
    }
  }
});

test("package.nls files translate every %key% of package.json", () => {
  const manifest = readFileSync("package.json", "utf8");
  const keys = [...manifest.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]).sort();
  assert.ok(keys.length > 20);
  for (const suffix of ["", ".nb", ".nn"]) {
    const nls = JSON.parse(readFileSync(`package.nls${suffix}.json`, "utf8")) as Record<string, string>;
    assert.deepEqual(Object.keys(nls).sort(), [...new Set(keys)].sort(), `package.nls${suffix}.json`);
  }
  const nn = JSON.parse(readFileSync("package.nls.nn.json", "utf8")) as Record<string, string>;
  assert.equal(nn["command.restartServer"], "klarsyn: Start kontrollen på nytt");
  assert.equal(nn["command.showOutput"], "klarsyn: Vis logg");
});
