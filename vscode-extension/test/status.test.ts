import { test } from "node:test";
import assert from "node:assert/strict";
import { DocumentStats, reportHtml, statusText } from "../src/status";
import { Translator } from "../src/i18n";

const stats: DocumentStats = {
  // As the server sends the sample draft: its exact LIX is 47.45, sent as 47.5 and, whole, 47.
  uri: "file:///a.md", language: "nb", words: 2056, sentences: 123, long_words: 632, lix: 47.5, lix_whole: 47, band: "middels", findings: 68,
  sections: [
    { title: "Valgseier i lokalvalget 2023", level: 1, words: 2056, sentences: 123, long_words: 632, lix: 47.5, band: "middels" },
    { title: "1. Skape <arbeidsplasser>", level: 2, words: 412, sentences: 24, long_words: 144, lix: 52.1, band: "vanskelig" },
  ],
};

test("status bar text shows LIX and band", () => {
  assert.equal(statusText(stats), "LIX 47 · middels");
  assert.equal(statusText(undefined), "LIX –");
});

test("status bar shows the server's whole LIX, not the one-decimal figure rounded again", () => {
  // 47.5 would round to 48; the CLI summary and the code lens say 47 for the same draft.
  assert.equal(statusText({ ...stats, lix: 47.5, lix_whole: 47 }), "LIX 47 · middels");
  assert.equal(statusText({ ...stats, lix: 52.5, lix_whole: 53 }), "LIX 53 · middels");
  assert.equal(statusText({ ...stats, lix: null, lix_whole: null }), "LIX –");
});

test("the report is a static page with a strict policy and escaped titles", () => {
  const nb = new Translator("l10n");
  nb.language = "nb";
  const html = reportHtml(stats, "utkast.md", "vscode-resource:", nb.t, { lang: "nb" });
  assert.match(html, /Content-Security-Policy" content="default-src 'none';/);
  assert.doesNotMatch(html, /<script/);
  assert.match(html, /1\. Skape &lt;arbeidsplasser&gt;/);
  assert.match(html, /<th scope="row" style="padding-left:1em">1\. Skape/);
  assert.match(html, /Hele dokumentet/);
  assert.match(html, /<html lang="nb">/);
});

test("the report's labels follow the chosen language, and a closed document is a snapshot", () => {
  const nn = new Translator("l10n");
  nn.language = "nn";
  const html = reportHtml(stats, "utkast.md", "vscode-resource:", nn.t, { lang: "nn", snapshot: true });
  assert.match(html, /<html lang="nn">/);
  assert.match(html, /Heile dokumentet/);
  assert.match(html, /Setningar/);
  assert.match(html, /2056 ord · 68 funn/);
  assert.match(html, /utkast\.md er lukka/);
  const en = reportHtml(stats, "utkast.md", "vscode-resource:");
  assert.match(en, /Whole document/);
  assert.doesNotMatch(en, /class="snapshot"|is closed/);
});
