// What to tell the author when the checker cannot start or stops, and when to restart it.
// Pure (the translator and the clock come in), so it is unit-tested.

import type { FailureReason } from "./lookup";

export type { FailureReason };

/** findServer's failure. `reason` is optional so an older lookup ({ ok: false, tried }) still fits. */
export interface LookupFailure {
  ok: false;
  reason?: FailureReason | string;
  detail?: string;
  tried: string[];
}

export type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

export interface FailureNotice {
  message: string;
  /** The setting the "Open setting" button opens. */
  setting: "klarsyn.interpreter" | "klarsyn.path";
  /** Short text for the status bar tooltip. */
  short: string;
}

/** "python3 is 3.10" from the lookup's log, else "Python 3.10.12" from its detail. */
function oldPython(f: LookupFailure): [string, string] {
  for (const line of f.tried) {
    const m = /^(\S+) is (\d+\.\d+)\b.*too old/.exec(line);
    if (m) return [m[1], m[2]];
  }
  const v = /(\d+\.\d+)(\.\d+)?/.exec(f.detail ?? "");
  return ["Python", v ? v[1] : "?"];
}

export function failureNotice(f: LookupFailure, platform: string, t: Translate): FailureNotice {
  const detail = (f.detail ?? "").trim();
  const withDetail = (text: string) => (detail ? `${text} (${detail})` : text);
  switch (f.reason) {
    case "no-python": {
      const where =
        platform === "win32"
          ? t("klarsyn found no Python on this computer. It needs Python 3.11 or newer: install it from python.org or the Microsoft Store, then click “Try again”.")
          : platform === "darwin"
            ? t("klarsyn found no Python on this computer. It needs Python 3.11 or newer: install it from python.org or with Homebrew (brew install python), then click “Try again”.")
            : t("klarsyn found no Python on this computer. It needs Python 3.11 or newer: install it with your system's package manager or from python.org, then click “Try again”.");
      return { message: where, setting: "klarsyn.interpreter", short: t("No Python 3.11 or newer found.") };
    }
    case "python-too-old": {
      const [name, version] = oldPython(f);
      return {
        message: t("{0} is {1}; klarsyn needs Python 3.11 or newer. Install a newer Python from python.org, or set klarsyn.interpreter to one.", name, version),
        setting: "klarsyn.interpreter",
        short: t("{0} is {1}; klarsyn needs Python 3.11 or newer.", name, version),
      };
    }
    case "bundle-mismatch":
      return {
        message: withDetail(t("The libraries that come with klarsyn do not fit this Python or this computer. Install klarsyn into a Python 3.11 or newer (pip install klarsyn) and set klarsyn.interpreter to it.")),
        setting: "klarsyn.interpreter",
        short: withDetail(t("The bundled libraries do not fit this Python.")),
      };
    case "interpreter-broken":
      return {
        message: withDetail(t("The setting klarsyn.interpreter points at a Python that cannot run klarsyn. Check the path, or clear the setting to use the checker that comes with the extension.")),
        setting: "klarsyn.interpreter",
        short: withDetail(t("klarsyn.interpreter does not work.")),
      };
    case "path-broken":
      return {
        message: withDetail(t("The setting klarsyn.path points at something that cannot run. Check the path, or clear the setting to use the checker that comes with the extension.")),
        setting: "klarsyn.path",
        short: withDetail(t("klarsyn.path does not work.")),
      };
    case "no-environment":
      return {
        message: withDetail(t("klarsyn could not set up the environment its checker runs in. Install klarsyn into a Python 3.11 or newer (pip install klarsyn) and set klarsyn.interpreter to it.")),
        setting: "klarsyn.interpreter",
        short: withDetail(t("The checker's environment could not be set up.")),
      };
    default:
      return {
        message: t("klarsyn could not start its checker: it needs Python 3.11 or newer. Install Python from python.org, or set klarsyn.interpreter to a Python that has klarsyn installed."),
        setting: "klarsyn.interpreter",
        short: t("No Python 3.11 or newer with klarsyn found."),
      };
  }
}

/** The line of the server's error output worth showing: the exception (ImportError: …),
 * else the last line that says error, else the last line. */
export function errorLine(stderr: string[]): string | undefined {
  const lines = stderr.map((l) => l.trim()).filter((l) => l.length > 0);
  const exception = lines.find((l) => /^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b(:|$)/.test(l));
  if (exception) return exception;
  const said = [...lines].reverse().find((l) => /error|fatal|cannot|not found/i.test(l));
  return said ?? lines[lines.length - 1];
}

export type CloseDecision = "restart" | "stop-early" | "stop-too-many";

/** When the server process ends on its own. It restarts a server that ran for a while, up to
 * `maxRestarts` times within `windowMs`; one that ends before it answered `initialize` or
 * within `earlyMs` of starting (an ImportError, a broken install) is not restarted at all:
 * starting it again only ends the same way. */
export class RestartPolicy {
  private startedAt = 0;
  private ready = false;
  private restarts: number[] = [];

  constructor(
    private readonly now: () => number = Date.now,
    readonly earlyMs = 10_000,
    readonly maxRestarts = 3,
    readonly windowMs = 3 * 60_000,
  ) {}

  /** The process was (re)started. */
  started(): void {
    this.startedAt = this.now();
    this.ready = false;
  }

  /** The server answered initialize. */
  initialized(): void {
    this.ready = true;
  }

  /** A fresh start by the author (the restart command): forget earlier crashes. */
  reset(): void {
    this.restarts = [];
  }

  /** How long the last process ran, in ms. */
  ranFor(): number {
    return this.now() - this.startedAt;
  }

  closed(): CloseDecision {
    const now = this.now();
    if (!this.ready || now - this.startedAt < this.earlyMs) return "stop-early";
    this.restarts = this.restarts.filter((t) => now - t < this.windowMs);
    if (this.restarts.length >= this.maxRestarts) return "stop-too-many";
    this.restarts.push(now);
    return "restart";
  }

  /** How many restarts are in the current window. */
  get count(): number {
    return this.restarts.length;
  }
}
