import { test } from "node:test";
import assert from "node:assert/strict";
import { failureText, isWordPath, shouldOffer, toFileUri, toWordUri } from "../src/wordview";

test("only .docx and .odt files are offered as text, whatever the case of the ending", () => {
  assert.ok(isWordPath("/home/x/utkast.docx"));
  assert.ok(isWordPath("/home/x/UTKAST.DOCX"));
  assert.ok(isWordPath("/c:/Users/x/program.odt"));
  assert.ok(!isWordPath("/home/x/utkast.doc"));
  assert.ok(!isWordPath("/home/x/utkast.docx.md"));
  assert.ok(!isWordPath("/home/x/docx"));
});

test("the view's URI is the file's with another scheme, and back", () => {
  const cases = [
    "file:///home/x/utkast.docx",
    "file:///c%3A/Users/x/Program%202025.docx", // a drive letter, a space
    "file://server/share/kapittel.odt", // a Windows share keeps its authority
  ];
  for (const file of cases) {
    const view = toWordUri(file);
    assert.ok(view.startsWith("klarsyn-word:"));
    assert.ok(view.endsWith(file.slice("file:".length)), "the path ends with the file's path");
    assert.equal(toFileUri(view), file);
  }
  assert.throws(() => toWordUri("untitled:Untitled-1"));
  assert.throws(() => toFileUri("file:///a.docx"));
});

test("the offer comes once per file per session, and never after «don't ask again»", () => {
  const asked = new Set<string>();
  assert.equal(shouldOffer("file:///a.docx", "/a.docx", asked, false), true);
  assert.equal(shouldOffer("file:///a.docx", "/a.docx", asked, false), false);
  assert.equal(shouldOffer("file:///b.odt", "/b.odt", asked, false), true);
  assert.equal(shouldOffer("file:///c.docx", "/c.docx", asked, true), false);
  assert.equal(shouldOffer("file:///d.md", "/d.md", asked, false), false);
  assert.ok(!asked.has("file:///c.docx"), "a file not offered is not marked as asked");
});

test("a failed extraction shows the server's message, or a general one", () => {
  const server = { code: -32803, message: "klarsyn kan ikke vise a.docx som tekst: fila er passordbeskyttet." };
  assert.equal(failureText(server, "a.docx"), server.message);
  assert.equal(failureText(new Error("Connection got disposed."), "a.docx"), "klarsyn cannot show a.docx as text (Connection got disposed.).");
  assert.equal(failureText(undefined, "a.docx"), "klarsyn cannot show a.docx as text.");
});
