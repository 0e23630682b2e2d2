// Runs the end-to-end scenarios (scenarios/*.js, or those named on the command line) one
// after the other, each on a fresh code-server profile and workspace.
//   node run-all.js [name ...]
// Prints "N passed, M failed" and exits non-zero when a check failed or a scenario ran
// fewer checks than it declares (a scenario that stops early has not passed).
const fs = require("fs");
const path = require("path");
const { Scenario, SHOTS } = require("./lib");

(async () => {
  const dir = path.join(__dirname, "scenarios");
  const wanted = process.argv.slice(2);
  const names = fs.readdirSync(dir).filter((f) => f.endsWith(".js")).map((f) => f.slice(0, -3)).sort()
    .filter((n) => !wanted.length || wanted.includes(n));
  let passed = 0;
  let failed = 0;
  for (const name of names) {
    const scenario = require(path.join(dir, `${name}.js`));
    const t = new Scenario(name);
    try {
      await scenario.run(t);
    } catch (e) {
      t.log(`FAILED: the scenario stopped: ${String(e && e.message ? e.message : e).split("\n")[0]}`);
      await t.shot("stopped").catch(() => {});
      t.results.push(["scenario ran to its end", false]);
    } finally {
      await t.close();
    }
    const ok = t.results.filter((r) => r[1]).length;
    let bad = t.results.length - ok;
    if (t.results.length < (scenario.checks || 1)) {
      t.log(`FAILED: ran ${t.results.length} of ${scenario.checks} checks`);
      bad += scenario.checks - t.results.length;
    }
    passed += ok;
    failed += bad;
  }
  console.log(`screenshots: ${SHOTS}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed || !names.length ? 1 : 0;
})();
