import { test } from "node:test";
import assert from "node:assert/strict";
import { DocumentStats, reportHtml, statusText } from "../src/status";

const stats: DocumentStats = {
  uri: "file:///a.md", language: "nb", words: 2056, sentences: 123, long_words: 632, lix: 47.46, band: "middels", findings: 68,
  sections: [
    { title: "Valgseier i lokalvalget 2023", level: 1, words: 2056, sentences: 123, long_words: 632, lix: 47.46, band: "middels" },
    { title: "1. Skape <arbeidsplasser>", level: 2, words: 412, sentences: 24, long_words: 144, lix: 52.1, band: "vanskelig" },
  ],
};

test("status bar text shows LIX and band", () => {
  assert.equal(statusText(stats), "LIX 47 · middels");
  assert.equal(statusText(undefined), "LIX –");
});

test("the report is a static page with a strict policy and escaped titles", () => {
  const html = reportHtml(stats, "utkast.md", "vscode-resource:");
  assert.match(html, /Content-Security-Policy" content="default-src 'none';/);
  assert.doesNotMatch(html, /<script/);
  assert.match(html, /1\. Skape &lt;arbeidsplasser&gt;/);
  assert.match(html, /<th scope="row" style="padding-left:1em">1\. Skape/);
  assert.match(html, /Hele dokumentet/);
  assert.match(html, /<html lang="nb">/);
});
