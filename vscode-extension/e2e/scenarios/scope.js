// What the Problems panel lists is the programme: klarsyn.include and klarsyn.exclude (here
// in the workspace's .vscode/settings.json, as a team would share them) decide which drafts of
// the folder are checked; an old copy and an export beside the chapters are not.
const fs = require("fs");
const path = require("path");

exports.checks = 3;

const chapter = (title, extra) =>
  `# ${title}\n\nVi vil styrke skolen, f.eks. med flere lærere. ${extra}\n\nKontakt NAV om du trenger hjelp.\n`;

exports.run = async (t) => {
  const settingsFile = () => path.join(t.workspace, ".vscode", "settings.json");
  const page = await t.open({
    files: {
      "kapitler/skole.md": chapter("Skole", "Barn skal lære å lese."),
      "kapitler/helse.md": chapter("Helse", "Alle skal få hjelp i tide."),
      "arkiv/gammel-skole.md": chapter("Skole (gammel)", "Barn skal lære å lese og skrive."),
      "eksport/program.txt": "SKOLE\n\nVi vil styrke skolen, f.eks. med flere lærere.\n",
      ".vscode/settings.json": JSON.stringify({ "klarsyn.include": ["kapitler/**/*.md"] }),
    },
  });
  const files = async () => {
    const rows = await t.problems();
    // A file's row in the Problems panel starts with its name, then the folder and the count.
    // (How the name and the folder are separated differs between VS Code versions.)
    return rows.map((r) => (/^\s*(\S+?\.(?:md|txt))/.exec(r) || [])[1]).filter(Boolean).sort();
  };
  const waitFor = async (wanted, what) => {
    let seen = [];
    for (let i = 0; i < 60; i++) {
      seen = await files();
      if (JSON.stringify(seen) === JSON.stringify(wanted)) return;
      await page.waitForTimeout(500);
    }
    throw new Error(`${what}: the Problems panel lists ${JSON.stringify(seen)}, not ${JSON.stringify(wanted)}`);
  };

  await t.openFile("skole.md");
  await t.check("with include kapitler/**/*.md only the chapters are listed", async () => {
    await waitFor(["helse.md", "skole.md"], "include");
    await t.shot("1-include");
  });

  await t.check("exclude leaves out one chapter", async () => {
    fs.writeFileSync(settingsFile(), JSON.stringify({ "klarsyn.include": ["kapitler/**/*.md"], "klarsyn.exclude": ["kapitler/helse.md"] }));
    await waitFor(["skole.md"], "exclude");
    await t.shot("2-exclude");
  });

  await t.check("without include the whole folder is listed again", async () => {
    fs.writeFileSync(settingsFile(), JSON.stringify({}));
    await waitFor(["gammel-skole.md", "helse.md", "program.txt", "skole.md"], "no include");
    await t.shot("3-everything");
  });
};
