// How long a writer waits for the squiggle of a word they just typed: keystrokes 100–150 ms
// apart, as a person types, into a paragraph of a short draft and of a real programme (53,129
// words). Measured from the keydown of the word's last letter to the first frame in which a
// squiggle ends where the word ends, both when the writer goes on typing and when they stop.
// Prints the median and every trial; asserts only generous bounds (2 s, 3 s on the programme,
// where a pull alone takes 0.5–1 s on a two-core machine) so a busy CI machine does not fail
// it; they still catch a squiggle that waits for the typing to stop (5–7 s) or never comes.
// The goal (issue 15) is 300 ms.
//   KLARSYN_E2E_PROGRAMME    the long draft (default: the corpus's partiet_sentrum.txt; when it
//                            is missing, the sample repeated to about 50,000 words)
//   KLARSYN_E2E_TRIALS       trials per case (default 5)
//   KLARSYN_E2E_TRACE=1      klarsyn.trace.server "messages": the requests and their timings
//                            are printed from the klarsyn log after each draft
const fs = require("fs");
const path = require("path");
const { klarsynLog } = require("../lib");

const ROOT = path.resolve(__dirname, "..", "..", "..");
const SAMPLE = path.join(ROOT, "examples", "lokalvalg-2023-utkast.md");
const PROGRAMME = process.env.KLARSYN_E2E_PROGRAMME || "/work/shared/corpus/programmes/partiet_sentrum.txt";
const TRIALS = Number(process.env.KLARSYN_E2E_TRIALS || 5);
const TRACE = process.env.KLARSYN_E2E_TRACE === "1";
const BOUND = { sample: 2000, programme: 3000 }; // ms; the goal is 300
const GIVE_UP = 8000; // ms after the word's last key: counted as never

// Two words of the kanselli list (hints by default: VS Code draws them as dots under the
// word's start and the Problems panel does not list them, so the decoration is what we watch).
const WORDS = ["herunder", "iverksette"];
const BEFORE = " Dette gjelder ";
const AFTER = " alle som bor i kommunen vår";

exports.checks = 4;

// The same pseudo-random pauses on every run (100–150 ms between keys).
let seed = 15;
function pause() {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return 100 + (seed % 51);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
}

function programmeText() {
  if (fs.existsSync(PROGRAMME)) return { name: "program.txt", text: fs.readFileSync(PROGRAMME, "utf8") };
  const sample = fs.readFileSync(SAMPLE, "utf8");
  const words = sample.split(/\s+/).length;
  return { name: "program.md", text: Array.from({ length: Math.ceil(50000 / words) }, () => sample).join("\n\n") };
}

/** Prose lines (1-based) to type at the end of: plain sentences, far from each other. */
function proseLines(text, count) {
  const lines = text.split("\n");
  const ok = (l, i) => l.length >= 30 && l.length <= 60 && /[a-zæøå.]$/.test(l) && !/^[#>|*\-\d]/.test(l)
    && !/\.{4}/.test(l) && (lines[i + 1] ?? "").trim() !== "" && (i === 0 || lines[i - 1].trim() !== "");
  const start = Math.floor(lines.length * 0.4);
  const out = [];
  for (let i = start; i < lines.length && out.length < count; i++) {
    if (ok(lines[i], i) && (!out.length || i + 1 - out[out.length - 1] > 30)) out.push(i + 1);
  }
  for (let i = 0; i < start && out.length < count; i++) if (ok(lines[i], i)) out.push(i + 1);
  return out;
}

/** In the page: keydown times (a capture listener sees every key before the editor does). */
function installKeyClock() {
  window.__klarsynKeys = [];
  document.addEventListener("keydown", (e) => window.__klarsynKeys.push(performance.now()), true);
}

/** In the page, before the word's first letter: where the word will start (the cursor, once
 * the editor has drawn the last key: two frames). */
function markStart() {
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => {
    const cursor = document.querySelector(".monaco-editor.focused .cursors-layer .cursor").getBoundingClientRect();
    window.__klarsynStart = { x: cursor.left, y: cursor.top + cursor.height / 2 };
    resolve(window.__klarsynStart);
  })));
}

/** In the page: waits for a squiggle in the focused editor that starts where the word starts
 * (a hint is drawn as three dots under its first two letters; what is typed after the word
 * does not move its start), and resolves with the keydown→squiggle time in ms (null after
 * `giveUp`) and the number of keys typed after it by then. Tests every frame and every change of the
 * editor's DOM. */
function watchSquiggle({ giveUp }) {
  const keys = window.__klarsynKeys.length;
  const keyAt = window.__klarsynKeys[keys - 1];
  const editor = document.querySelector(".monaco-editor.focused");
  const { x, y } = window.__klarsynStart;
  return new Promise((resolve) => {
    let done = false;
    const found = () => {
      for (const el of editor.querySelectorAll(".squiggly-hint, .squiggly-info, .squiggly-warning, .squiggly-error")) {
        const r = el.getBoundingClientRect();
        if (r.top <= y && r.bottom + 4 >= y && Math.abs(r.left - x) <= 3) return true;
      }
      return false;
    };
    const finish = (value) => {
      if (done) return;
      done = true;
      observer.disconnect();
      resolve(value);
    };
    const test = () => {
      if (done) return;
      if (found()) finish({ ms: performance.now() - keyAt, after: window.__klarsynKeys.length - keys });
      else if (performance.now() - keyAt > giveUp) finish({ ms: null, after: window.__klarsynKeys.length - keys });
      else requestAnimationFrame(test);
    };
    const observer = new MutationObserver(test);
    observer.observe(editor, { subtree: true, childList: true, attributes: true });
    test();
  });
}

async function typeSlowly(page, text) {
  for (const ch of text) {
    await page.keyboard.type(ch);
    await page.waitForTimeout(pause());
  }
}

/** One draft: the file is opened, its first squiggles awaited, then TRIALS words typed at the
 * end of different prose lines; `goOn` types more words after each. Returns the times (ms). */
async function measure(t, page, name, text, goOn) {
  const lines = proseLines(text, TRIALS);
  if (lines.length < TRIALS) throw new Error(`only ${lines.length} prose lines in ${name}`);
  const times = [];
  for (let i = 0; i < TRIALS; i++) {
    const word = WORDS[i % WORDS.length];
    await page.keyboard.press("Control+G");
    await page.waitForSelector(".quick-input-widget input", { state: "visible", timeout: 10000 });
    await page.keyboard.type(String(lines[i]), { delay: 10 });
    await page.keyboard.press("Enter");
    await page.waitForTimeout(300);
    await page.keyboard.press("End");
    await page.waitForTimeout(800); // a quiet moment before the writer starts again
    await typeSlowly(page, BEFORE);
    await page.evaluate(markStart);
    await typeSlowly(page, word.slice(0, -1));
    await page.keyboard.type(word.slice(-1));
    const watch = page.evaluate(watchSquiggle, { giveUp: GIVE_UP });
    if (goOn) {
      await page.waitForTimeout(pause());
      await typeSlowly(page, AFTER);
    }
    // `after`: keys typed after the word's last one before the squiggle came.
    const { ms, after } = await watch;
    times.push(ms === null ? Infinity : ms);
    t.log(`${name}, ${goOn ? "typing on" : "stopped"}, line ${lines[i]}, «${word}»: ${ms === null ? "no squiggle" : `${Math.round(ms)} ms`}` +
      (goOn ? ` (${after} of ${AFTER.length} more keys typed by then)` : ""));
    if (i === 0) await t.shot(`${name.replace(/\W+/g, "-")}-${goOn ? "typing" : "stopped"}`);
    if (!goOn) await page.waitForTimeout(500);
  }
  return times;
}

async function draft(t, name, text, label) {
  const page = await t.open({
    files: { [name]: text },
    settings: {
      // Suggestions would open over the line and take keys in a plain-text file.
      "editor.quickSuggestions": { other: false, comments: false, strings: false },
      "editor.wordBasedSuggestions": "off",
      "editor.minimap.enabled": false,
      // The typed words stay on the line they started on (markdown wraps by default).
      "editor.wordWrap": "off",
      "[markdown]": { "editor.wordWrap": "off" },
      ...(TRACE ? { "klarsyn.trace.server": "messages" } : {}),
    },
  });
  await page.evaluate(installKeyClock);
  await t.openFile(name);
  await page.waitForSelector(".monaco-editor .view-lines", { timeout: 30000 });
  // The first check is over when the status bar shows the draft's LIX (documentStats waits
  // for it). Not a squiggle: the first screen of a programme (title, contents) may have none.
  await page.locator(".statusbar-item", { hasText: /LIX \d+/ }).first().waitFor({ timeout: 120000 });
  await page.waitForTimeout(3000); // the consistency pass and the first workspace pull
  t.log(`${label}: ${name} open, ${text.split(/\s+/).length} words`);
  const results = {};
  for (const goOn of [true, false]) {
    const times = await measure(t, page, label, text, goOn);
    const finite = times.filter(Number.isFinite).map(Math.round);
    const m = median(times);
    results[goOn] = m;
    console.log(`LATENCY ${label} ${goOn ? "typing-on" : "stopped"}: median ${Number.isFinite(m) ? Math.round(m) : "never"} ms ` +
      `(trials: ${times.map((x) => (Number.isFinite(x) ? Math.round(x) : "never")).join(", ")}; ${finite.length}/${times.length} seen)`);
  }
  if (TRACE) {
    const log = klarsynLog(t.dir).split("\n").filter((l) => /diagnostic|didChange|Received|cancel/i.test(l));
    console.log(`--- ${label}: trace (last 80 of ${log.length} lines) ---\n${log.slice(-80).join("\n")}\n---`);
  }
  await t.close();
  return results;
}

exports.run = async (t) => {
  const small = await draft(t, "utkast.md", fs.readFileSync(SAMPLE, "utf8"), "sample");
  const prog = programmeText();
  const big = await draft(t, prog.name, prog.text, "programme");
  for (const [label, r] of [["sample", small], ["programme", big]]) {
    for (const goOn of [true, false]) {
      await t.check(`${label}, ${goOn ? "typing on" : "stopped"}: median ≤ ${BOUND[label]} ms`, async () => {
        if (!(r[goOn] <= BOUND[label])) throw new Error(`median ${Number.isFinite(r[goOn]) ? Math.round(r[goOn]) : "never"} ms`);
      });
    }
  }
};
