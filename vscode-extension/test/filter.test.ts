import { test } from "node:test";
import assert from "node:assert/strict";
import { emptyReport, toggled, withoutDisabled } from "../src/filter";

const uri = (s: string) => ({ toString: () => s });

test("toggling adds and removes the file", () => {
  assert.deepEqual(toggled([], "file:///a.md"), ["file:///a.md"]);
  assert.deepEqual(toggled(["file:///a.md", "file:///b.md"], "file:///a.md"), ["file:///b.md"]);
});

test("a file that is off gets an empty full report without a result id", () => {
  assert.deepEqual(emptyReport(), { kind: "full", items: [] });
});

test("the workspace report loses the findings of files that are off, and only those", () => {
  const report = {
    items: [
      { uri: uri("file:///a.md"), version: 1, kind: "full" as const, resultId: "7", items: ["x", "y"] },
      { uri: uri("file:///b.md"), version: null, kind: "unChanged" as const, resultId: "3" },
      { uri: uri("file:///c.md"), version: 2, kind: "full" as const, items: ["z"] },
    ],
  };
  const off = (u: string) => u !== "file:///c.md";
  const out = withoutDisabled(report, off);
  assert.deepEqual(out.items.map((i) => [i.uri.toString(), i.kind, (i as { items?: unknown[] }).items?.length ?? -1, "resultId" in i]), [
    ["file:///a.md", "full", 0, false],
    ["file:///b.md", "full", 0, false],
    ["file:///c.md", "full", 1, false],
  ]);
  assert.equal(withoutDisabled(report, () => false), report);
});
