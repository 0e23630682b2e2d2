import { test } from "node:test";
import assert from "node:assert/strict";
import type { Diagnostic, DiagnosticCollection, Uri } from "vscode";
import { nearestFirst, SpreadDiagnosticCollection } from "../src/spread";

const uri = (s: string) => ({ toString: () => s }) as unknown as Uri;
const diags = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ message: `d${from + i}` }) as unknown as Diagnostic);

/** A stand-in for VS Code's collection that records what each part holds. */
function fakes() {
  const made = new Map<string, Map<string, readonly Diagnostic[]>>();
  const make = (name: string): DiagnosticCollection => {
    const m = new Map<string, readonly Diagnostic[]>();
    made.set(name, m);
    return {
      name,
      set: (u: Uri, ds: readonly Diagnostic[]) => void m.set(u.toString(), ds),
      delete: (u: Uri) => void m.delete(u.toString()),
      clear: () => m.clear(),
      has: (u: Uri) => m.has(u.toString()),
      dispose: () => void made.delete(name),
    } as unknown as DiagnosticCollection;
  };
  return { made, make };
}

test("a file's diagnostics are spread over collections of at most the limit, in order", () => {
  const { made, make } = fakes();
  const c = new SpreadDiagnosticCollection("klarsyn", make, 10);
  c.set(uri("file:///p.txt"), diags(25));
  assert.deepEqual([...made.keys()], ["klarsyn", "klarsyn#2", "klarsyn#3"]);
  assert.deepEqual([...made.values()].map((m) => m.get("file:///p.txt")!.length), [10, 10, 5]);
  assert.equal((made.get("klarsyn#3")!.get("file:///p.txt")![0] as unknown as { message: string }).message, "d20");
  assert.equal(c.get(uri("file:///p.txt"))!.length, 25);
});

test("fewer diagnostics later empty the parts no longer needed", () => {
  const { made, make } = fakes();
  const c = new SpreadDiagnosticCollection("klarsyn", make, 10);
  c.set(uri("file:///p.txt"), diags(25));
  c.set(uri("file:///a.md"), diags(3));
  c.set(uri("file:///p.txt"), diags(4));
  assert.equal(made.get("klarsyn")!.get("file:///p.txt")!.length, 4);
  assert.ok(!made.get("klarsyn#2")!.has("file:///p.txt"));
  assert.ok(!made.get("klarsyn#3")!.has("file:///p.txt"));
  assert.equal(made.get("klarsyn")!.get("file:///a.md")!.length, 3);
  c.set(uri("file:///p.txt"), undefined);
  assert.ok(!c.has(uri("file:///p.txt")) && !made.get("klarsyn")!.has("file:///p.txt"));
});

test("delete, clear, iteration and dispose cover every part", () => {
  const { made, make } = fakes();
  const c = new SpreadDiagnosticCollection("klarsyn", make, 10);
  c.set([[uri("file:///p.txt"), diags(12)], [uri("file:///p.txt"), diags(3, 12)], [uri("file:///b.md"), diags(1)]]);
  assert.equal(c.get(uri("file:///p.txt"))!.length, 15);
  assert.deepEqual([...c].map(([u, ds]) => [u.toString(), ds.length]), [["file:///p.txt", 15], ["file:///b.md", 1]]);
  c.delete(uri("file:///p.txt"));
  assert.ok(!made.get("klarsyn#2")!.has("file:///p.txt"));
  const seen: string[] = [];
  c.forEach((u) => seen.push(u.toString()));
  assert.deepEqual(seen, ["file:///b.md"]);
  c.clear();
  assert.equal(made.get("klarsyn")!.size, 0);
  c.dispose();
  assert.equal(made.size, 0);
});

test("nearestFirst: by severity, then distance from the lines on screen, then document order", () => {
  const d = (line: number, severity: number) => ({ severity, range: { start: { line } }, line });
  const all = [d(1, 3), d(50, 3), d(100, 3), d(400, 3), d(90, 1), d(5, 3), d(120, 3)];
  const out = nearestFirst(all, { ranges: [{ start: 80, end: 110 }], cursor: 95 });
  assert.deepEqual(out.map((x) => [x.line, x.severity]), [[90, 1], [100, 3], [120, 3], [50, 3], [5, 3], [1, 3], [400, 3]]);
  assert.deepEqual(nearestFirst(all, undefined).map((x) => x.line), [90, 1, 50, 100, 400, 5, 120]);
});

test("a file with more than the editor draws is handed over in that order, and again on reorder", () => {
  const { made, make } = fakes();
  let first = 0;
  const order = (_u: Uri, ds: readonly Diagnostic[]) => [...ds.slice(first), ...ds.slice(0, first)];
  const c = new SpreadDiagnosticCollection("klarsyn", make, 1000, order);
  c.set(uri("file:///p.txt"), diags(600));
  const shown = () => (made.get("klarsyn")!.get("file:///p.txt")![0] as unknown as { message: string }).message;
  assert.equal(shown(), "d0");
  first = 550;
  c.reorder(uri("file:///p.txt"));
  assert.equal(shown(), "d550");
  assert.equal((c.get(uri("file:///p.txt"))![0] as unknown as { message: string }).message, "d0");
  c.set(uri("file:///a.md"), diags(10)); // few: as they came
  assert.equal((made.get("klarsyn")!.get("file:///a.md")![0] as unknown as { message: string }).message, "d0");
});
