// Bundles the extension (one file, vscode external) and, with --tests, the unit tests.
import { build } from "esbuild";
import { readdirSync } from "fs";

const tests = process.argv.includes("--tests");
if (tests) {
  const entries = readdirSync("test").filter((f) => f.endsWith(".test.ts")).map((f) => `test/${f}`);
  await build({ entryPoints: entries, bundle: true, platform: "node", target: "node20", outdir: "out/test", format: "cjs", logLevel: "warning" });
} else {
  await build({
    entryPoints: ["src/extension.ts"], bundle: true, platform: "node", target: "node20", outfile: "dist/extension.js",
    format: "cjs", external: ["vscode"], minify: true, sourcemap: false, logLevel: "warning",
  });
}
