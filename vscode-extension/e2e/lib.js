// Shared by the end-to-end scenarios: start code-server (a real VS Code) on a fresh profile
// and workspace, open it in headless Chromium, and record checks. Each scenario in
// scenarios/ exports `name` and `run(t)`; run-all.js runs them one after the other.
const { spawn } = require("child_process");
const fs = require("fs");
const path = require("path");
const { chromium } = require("playwright-core");

const WORK = process.env.KLARSYN_E2E_WORK || path.join(process.env.TMPDIR || "/tmp", "klarsyn-e2e");
const PORT = Number(process.env.KLARSYN_E2E_PORT || 18731);
const CODE_SERVER = path.join(WORK, "code-server", "node_modules", ".bin", "code-server");
const EXTENSIONS = path.join(WORK, "exts");
const SHOTS = process.env.KLARSYN_E2E_SHOTS || path.join(WORK, "screenshots");

const BASE_SETTINGS = {
  "workbench.startupEditor": "none",
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "files.autoSave": "off",
  "workbench.enableExperiments": false,
};

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function healthy(url) {
  try {
    const res = await fetch(url);
    return res.ok;
  } catch {
    return false;
  }
}

class Scenario {
  constructor(name) {
    this.name = name;
    this.results = [];
    this.t0 = Date.now();
    this.dir = path.join(WORK, "scenarios", name);
    this.workspace = path.join(this.dir, "ws");
    this.shots = path.join(SHOTS, name);
    this.server = undefined;
    this.browser = undefined;
    this.page = undefined;
  }

  log(message) {
    console.log(`[${this.name}] ${((Date.now() - this.t0) / 1000).toFixed(1)}s ${message}`);
  }

  /** Records one check: its name, and whether fn finished without throwing. */
  async check(name, fn) {
    try {
      await fn();
      this.results.push([name, true]);
      this.log(`ok: ${name}`);
    } catch (e) {
      this.results.push([name, false]);
      this.log(`FAILED: ${name}: ${String(e && e.message ? e.message : e).split("\n")[0]}`);
      await this.shot(`failed-${name.replace(/[^a-z0-9]+/gi, "-").slice(0, 40)}`).catch(() => {});
    }
  }

  async shot(name) {
    if (!this.page) return;
    fs.mkdirSync(this.shots, { recursive: true });
    await this.page.screenshot({ path: path.join(this.shots, `${name}.png`) });
  }

  /** A fresh profile (settings) and workspace (files: relative path -> string or Buffer),
   * then code-server with `env` added to its environment (the extension host inherits it),
   * and Chromium on the workspace. `prepare({ userData, home, env })`, when given, runs after the
   * profile is made and before code-server starts (to install an extension into it, say). */
  async open({ files = {}, settings = {}, env = {}, locale, argv = {}, prepare } = {}) {
    fs.rmSync(this.dir, { recursive: true, force: true });
    const userData = path.join(this.dir, "ud");
    fs.mkdirSync(path.join(userData, "User"), { recursive: true });
    fs.mkdirSync(this.workspace, { recursive: true });
    for (const [rel, content] of Object.entries(files)) {
      const target = path.join(this.workspace, rel);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, content);
    }
    fs.writeFileSync(path.join(userData, "User", "settings.json"), JSON.stringify({ ...BASE_SETTINGS, ...settings }, null, 1));
    if (Object.keys(argv).length) fs.writeFileSync(path.join(userData, "User", "argv.json"), JSON.stringify(argv));
    const home = path.join(this.dir, "home");
    const serverEnv = { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, "config"), XDG_DATA_HOME: path.join(home, "data"),
      XDG_CACHE_HOME: path.join(home, "cache"), ...env };
    if (prepare) await prepare({ userData, home, env: serverEnv });
    const args = ["--user-data-dir", userData, "--extensions-dir", EXTENSIONS, "--bind-addr", `127.0.0.1:${PORT}`,
      "--auth", "none", "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust",
      "--disable-getting-started-override"];
    if (locale) args.push("--locale", locale);
    args.push(this.workspace);
    const log = fs.openSync(path.join(this.dir, "code-server.log"), "w");
    this.server = spawn(CODE_SERVER, args, {
      env: serverEnv,
      stdio: ["ignore", log, log],
      detached: true,
    });
    for (let i = 0; i < 200 && !(await healthy(`http://127.0.0.1:${PORT}/healthz`)); i++) await sleep(200);
    this.browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"],
    });
    this.page = await this.browser.newPage({ viewport: { width: 1500, height: 950 } });
    this.page.on("pageerror", (e) => this.log(`pageerror ${e.message}`));
    await this.page.goto(`http://127.0.0.1:${PORT}/?folder=${encodeURIComponent(this.workspace)}`);
    await this.page.waitForSelector(".monaco-workbench", { timeout: 90000 });
    this.log("workbench loaded");
    await this.page.locator(".monaco-workbench").click({ position: { x: 750, y: 450 } }).catch(() => {});
    return this.page;
  }

  /** Opens a workspace file by name through Quick Open, as a person would. */
  async openFile(name) {
    const page = this.page;
    await page.keyboard.press("Control+P");
    await page.waitForSelector(".quick-input-widget input", { state: "visible", timeout: 30000 });
    await page.keyboard.type(name, { delay: 20 });
    await page.waitForSelector(".quick-input-list .monaco-list-row", { timeout: 30000 });
    await page.keyboard.press("Enter");
    await page.waitForTimeout(300);
  }

  /** Runs a command from the command palette by (part of) its title. */
  async command(title) {
    const page = this.page;
    await page.keyboard.press("Control+Shift+P");
    await page.waitForSelector(".quick-input-widget input", { state: "visible", timeout: 30000 });
    await page.keyboard.type(title, { delay: 15 });
    await page.waitForSelector(".quick-input-list .monaco-list-row", { timeout: 30000 });
    await page.waitForTimeout(300);
    await page.keyboard.press("Enter");
  }

  /** The rows of the Problems panel (opened if needed), as text. */
  async problems() {
    const page = this.page;
    if (!(await page.locator(".markers-panel").isVisible().catch(() => false))) await page.keyboard.press("Control+Shift+M");
    await page.waitForSelector(".markers-panel", { timeout: 30000 });
    await page.waitForTimeout(500);
    return page.locator(".markers-panel .monaco-list-row").allInnerTexts();
  }

  squiggles() {
    return this.page.locator(".monaco-editor .squiggly-warning, .monaco-editor .squiggly-info, .monaco-editor .squiggly-error");
  }

  async close() {
    if (this.browser) await this.browser.close().catch(() => {});
    if (this.server && this.server.exitCode === null) {
      try {
        process.kill(-this.server.pid, "SIGTERM");
      } catch {
        /* already gone */
      }
      for (let i = 0; i < 50 && this.server.exitCode === null && this.server.signalCode === null; i++) await sleep(100);
      try {
        process.kill(-this.server.pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }
    // The port is free again only once code-server is gone.
    for (let i = 0; i < 50 && (await healthy(`http://127.0.0.1:${PORT}/healthz`)); i++) await sleep(100);
  }
}

/** The klarsyn output channel's log file(s) below a scenario's folder, joined. */
function klarsynLog(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/klarsyn\.log$/.test(e.name)) out.push(fs.readFileSync(p, "utf8"));
    }
  };
  walk(dir);
  return out.join("\n");
}

module.exports = { klarsynLog, Scenario, WORK, EXTENSIONS, SHOTS, CODE_SERVER, sleep };
