// Diagnostics for files the author turned klarsyn off for are dropped on the client too, as
// a second line behind the server (which gets disabledFiles in its settings). Pure, so it is
// unit-tested; the types are the shape of vscode-languageclient's pulled reports.

interface Full<D> {
  kind: "full";
  resultId?: string;
  items: D[];
}
interface Unchanged {
  kind: "unChanged";
  resultId: string;
}
type WithUri<R> = R & { uri: { toString(): string }; version: number | null };

/** A file that is off gets an empty full report without a result id, so that the next pull
 * after turning it on again asks the server afresh instead of getting "unchanged". */
export function emptyReport<D>(): Full<D> {
  return { kind: "full", items: [] };
}

/** The workspace report without the findings of files that are off. */
export function withoutDisabled<D, R extends { items: Array<WithUri<Full<D>> | WithUri<Unchanged>> }>(
  report: R,
  off: (uri: string) => boolean,
): R {
  let changed = false;
  const items = report.items.map((item) => {
    if (!off(item.uri.toString())) return item;
    changed = true;
    return { uri: item.uri, version: item.version, kind: "full" as const, items: [] as D[] };
  });
  return changed ? { ...report, items } : report;
}

/** The per-file list after the toggle command: on becomes off and off becomes on. */
export function toggled(off: readonly string[], uri: string): string[] {
  return off.includes(uri) ? off.filter((u) => u !== uri) : [...off, uri];
}
