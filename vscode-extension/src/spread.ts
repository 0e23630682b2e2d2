// VS Code keeps at most 1,000 diagnostics of one file in one collection (maxDiagnosticsPerFile
// in its extension host): beyond that it keeps errors, then warnings, infos and hints in that
// order up to 1,000, and adds "Not showing N further errors and warnings". A real programme
// has more (partiet_sentrum.txt: 1,582, most of them hints), so the hints of its later
// chapters were never drawn, a word typed there included, however fast the server answered
// (e2e/scenarios/latency.js). The limit is per collection: this one spreads a file's
// diagnostics over as many collections as it needs.
//
// The editor then draws squiggles for the first 500 of a file's markers only, in the order
// they were set (MarkerDecorationsService reads them with take: 500): on that programme the
// squiggles stopped at line 4,300 of 13,462. So the collection hands them over in the order
// `order` gives (nearestFirst: errors to hints, and within each the ones nearest the lines
// on screen first), keeps them in document order for get(), and `reorder` hands them over
// again when the editor shows other lines.
import type { Diagnostic, DiagnosticCollection, Uri } from "vscode";

/** VS Code's per-file limit of one collection. */
export const PER_COLLECTION = 1000;
/** The editor's limit of squiggles per file. */
export const DRAWN = 500;

/** Line ranges (0-based, inclusive) that are on screen, and where the cursor is. */
export type Focus = { ranges: Array<{ start: number; end: number }>; cursor?: number };

/** Errors first, then warnings, infos and hints (VS Code's severity numbers: 0 to 3); within
 * each, by distance in lines from what is on screen (0 inside it), then document order. */
export function nearestFirst<D extends { severity: number; range: { start: { line: number } } }>(diagnostics: readonly D[], focus: Focus | undefined): D[] {
  const distance = (line: number): number => {
    if (!focus) return 0;
    let best = focus.cursor === undefined ? Infinity : Math.abs(line - focus.cursor);
    for (const r of focus.ranges) best = Math.min(best, line < r.start ? r.start - line : line > r.end ? line - r.end : 0);
    return best === Infinity ? 0 : best;
  };
  return diagnostics
    .map((d, i) => ({ d, i, k: distance(d.range.start.line) }))
    .sort((a, b) => a.d.severity - b.d.severity || a.k - b.k || a.i - b.i)
    .map((x) => x.d);
}

type Entry = { uri: Uri; diagnostics: readonly Diagnostic[] };

export class SpreadDiagnosticCollection implements DiagnosticCollection {
  /** parts[0] is named `name`; parts[i] `name#i+1`, made when a file first needs them. */
  private readonly parts: DiagnosticCollection[] = [];
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly name: string,
    private readonly make: (name: string) => DiagnosticCollection,
    private readonly size = PER_COLLECTION,
    /** The order in which a file's diagnostics are handed to VS Code (see above). */
    private readonly order: (uri: Uri, diagnostics: readonly Diagnostic[]) => readonly Diagnostic[] = (_uri, ds) => ds,
  ) {
    this.parts.push(make(name));
  }

  set(uri: Uri, diagnostics: readonly Diagnostic[] | undefined): void;
  set(entries: ReadonlyArray<[Uri, readonly Diagnostic[] | undefined]>): void;
  set(first: Uri | ReadonlyArray<[Uri, readonly Diagnostic[] | undefined]>, diagnostics?: readonly Diagnostic[] | undefined): void {
    if (Array.isArray(first)) {
      // As VS Code does: entries of one uri add up, an undefined one clears what came before.
      const merged = new Map<string, Entry>();
      for (const [uri, ds] of first as ReadonlyArray<[Uri, readonly Diagnostic[] | undefined]>) {
        const key = uri.toString();
        const before = merged.get(key);
        merged.set(key, { uri, diagnostics: ds ? [...(before?.diagnostics ?? []), ...ds] : [] });
      }
      for (const { uri, diagnostics: ds } of merged.values()) this.setOne(uri, ds);
      return;
    }
    this.setOne(first as Uri, diagnostics);
  }

  private setOne(uri: Uri, diagnostics: readonly Diagnostic[] | undefined): void {
    if (!diagnostics) {
      this.delete(uri);
      return;
    }
    this.entries.set(uri.toString(), { uri, diagnostics: [...diagnostics] });
    this.write(uri, diagnostics.length > DRAWN ? this.order(uri, diagnostics) : diagnostics);
  }

  /** Hands a file's diagnostics over again in the order `order` gives now (the editor shows
   * other lines): only for a file with more than the editor draws. */
  reorder(uri: Uri): void {
    const entry = this.entries.get(uri.toString());
    if (entry && entry.diagnostics.length > DRAWN) this.write(entry.uri, this.order(entry.uri, entry.diagnostics));
  }

  private write(uri: Uri, diagnostics: readonly Diagnostic[]): void {
    const needed = Math.max(1, Math.ceil(diagnostics.length / this.size));
    while (this.parts.length < needed) this.parts.push(this.make(`${this.name}#${this.parts.length + 1}`));
    for (let i = 0; i < this.parts.length; i++) {
      if (i < needed) this.parts[i].set(uri, diagnostics.slice(i * this.size, (i + 1) * this.size));
      else if (this.parts[i].has(uri)) this.parts[i].delete(uri);
    }
  }

  delete(uri: Uri): void {
    this.entries.delete(uri.toString());
    for (const part of this.parts) part.delete(uri);
  }

  clear(): void {
    this.entries.clear();
    for (const part of this.parts) part.clear();
  }

  forEach(callback: (uri: Uri, diagnostics: readonly Diagnostic[], collection: DiagnosticCollection) => unknown, thisArg?: unknown): void {
    for (const { uri, diagnostics } of [...this.entries.values()]) callback.call(thisArg, uri, diagnostics, this);
  }

  get(uri: Uri): readonly Diagnostic[] | undefined {
    return this.entries.get(uri.toString())?.diagnostics;
  }

  has(uri: Uri): boolean {
    return this.entries.has(uri.toString());
  }

  *[Symbol.iterator](): Iterator<[uri: Uri, diagnostics: readonly Diagnostic[]]> {
    for (const { uri, diagnostics } of [...this.entries.values()]) yield [uri, diagnostics];
  }

  dispose(): void {
    this.entries.clear();
    for (const part of this.parts.splice(0)) part.dispose();
  }
}
