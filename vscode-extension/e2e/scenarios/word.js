// A Word file in VS Code: the author opens a .docx chapter (VS Code shows its binary-file
// page), klarsyn offers to show it as text, the command from the palette opens the
// read-only view with squiggles and Problems rows named by paragraph and heading, and when
// the file is saved again (as Word would) the view and its findings follow. A broken .docx
// gives one clear notification.
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");

exports.checks = 6;

const W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

function crc32(buf) {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** A zip of deflated parts, as Word writes a .docx (no library: only what a reader needs). */
function zip(parts) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, content] of Object.entries(parts)) {
    const data = Buffer.from(content, "utf8");
    const packed = zlib.deflateRawSync(data);
    const nameBuf = Buffer.from(name, "utf8");
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(0x0800, 6); local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14); local.writeUInt32LE(packed.length, 18); local.writeUInt32LE(data.length, 22); local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10); central.writeUInt32LE(crc, 16); central.writeUInt32LE(packed.length, 20); central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28); central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, packed);
    centrals.push(central, nameBuf);
    offset += local.length + nameBuf.length + packed.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(centrals.length / 2, 8); end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(dir.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

/** A .docx of [heading level or 0, text] paragraphs, in Bokmål. */
function docx(paragraphs) {
  const body = paragraphs.map(([level, text]) =>
    `<w:p>${level ? `<w:pPr><w:outlineLvl w:val="${level - 1}"/></w:pPr>` : ""}<w:r><w:t xml:space="preserve">${esc(text)}</w:t></w:r></w:p>`).join("");
  return zip({
    "[Content_Types].xml": "<Types/>",
    "word/document.xml": `<?xml version="1.0"?><w:document xmlns:w="${W}"><w:body>${body}</w:body></w:document>`,
    "word/styles.xml": `<?xml version="1.0"?><w:styles xmlns:w="${W}"><w:docDefaults><w:rPrDefault><w:rPr><w:lang w:val="nb-NO"/></w:rPr></w:rPrDefault></w:docDefaults></w:styles>`,
  });
}

const LONG = "Kommunen skal i samarbeid med næringslivet, frivillige organisasjoner, skolene og de ansatte i helsetjenesten " +
  "som over tid har opparbeidet seg erfaring med oppfølging av unge som står utenfor arbeidslivet, utarbeide en plan " +
  "som sikrer at alle får et tilbud om arbeid, utdanning eller annen aktivitet innen tre måneder etter at de har meldt seg.";
const CHAPTER = [
  [1, "Arbeid og næring"],
  [0, "Vi vil iverksette tiltak for f.eks. unge arbeidsledige."],
  [2, "Tiltak"],
  [0, LONG],
];

// The command's title follows VS Code's display language (package.nls*.json): English here,
// «klarsyn: Vis Word-fila som tekst» in nb and nn.
const SHOW_TEXT = "klarsyn: Show the Word file as text";

exports.run = async (t) => {
  // The extension's own notifications follow klarsyn.messageLanguage; with `auto` and no draft
  // open yet they would follow the OS locale, which is English on this test machine.
  const page = await t.open({
    files: { "03-arbeid.docx": docx(CHAPTER), "ødelagt.docx": "dette er ingen zip-fil" },
    settings: { "klarsyn.messageLanguage": "nb" },
  });
  const file = path.join(t.workspace, "03-arbeid.docx");
  // Monaco draws spaces as no-break spaces.
  const shownText = async () => (await page.locator(".monaco-editor .view-lines").first().innerText()).replace(/\u00a0/g, " ");
  const toast = (text) => page.locator(".notifications-toasts .notification-toast", { hasText: text });

  await t.check("opening a .docx offers to show it as text", async () => {
    await t.openFile("03-arbeid.docx");
    // VS Code hides a toast that comes while another widget (here Quick Open) has focus and
    // keeps it in the notification centre, where the bell shows it: look there too.
    let offer = toast("Vil du se teksten").first();
    try {
      await offer.waitFor({ timeout: 30000 });
    } catch {
      t.log("no toast: looking in the notification centre");
      await t.command("Notifications: Show Notifications");
      offer = page.locator(".notifications-center .notification-list-item", { hasText: "Vil du se teksten" }).first();
      await offer.waitFor({ timeout: 20000 });
    }
    const buttons = await offer.locator(".monaco-button").allInnerTexts();
    t.log(`offer buttons: ${JSON.stringify(buttons)}`);
    if (!buttons.some((b) => b.includes("Vis som tekst")) || !buttons.some((b) => b.includes("Ikke spør igjen"))) throw new Error("the buttons are missing");
    await t.shot("1-offer");
  });

  // The offer's button opens the view, as an author would take it; the palette command is
  // the way for the broken file below.
  await t.check("the offer opens the text with klarsyn's squiggles", async () => {
    const button = page.locator(".notification-toast .monaco-button, .notifications-center .monaco-button", { hasText: "Vis som tekst" });
    if (await button.count()) await button.first().click();
    else await t.command(SHOW_TEXT);
    await page.waitForSelector(".monaco-editor .view-lines", { timeout: 30000 });
    const lines = page.locator(".monaco-editor .view-lines");
    await lines.filter({ hasText: "iverksette" }).first().waitFor({ timeout: 30000 });
    const shown = await shownText();
    if (!/# Arbeid og næring/.test(shown)) throw new Error(`the heading is not a # line: ${shown.slice(0, 80)}`);
    await t.squiggles().first().waitFor({ timeout: 90000 });
    const tabs = await page.locator(".tabs-container .tab").allInnerTexts();
    t.log(`tabs: ${JSON.stringify(tabs)}`);
    if (tabs.length !== 1) throw new Error("the binary-file page is still open beside the view");
    await t.shot("2-view");
  });

  await t.check("the view is read-only", async () => {
    await page.locator(".monaco-editor .view-lines").first().click({ position: { x: 200, y: 30 } });
    await page.keyboard.type("XYZ");
    await page.waitForTimeout(500);
    if ((await shownText()).includes("XYZ")) throw new Error("typing changed the view");
  });

  await t.check("Problems rows name the paragraph and heading", async () => {
    let text = "";
    // The panel lists infos, not hints: «f.eks.» and the long sentence («iverksette» is a hint).
    for (let i = 0; i < 30 && !/Avsnitt 4/.test(text); i++) {
      text = (await t.problems()).join("\n");
      if (!/Avsnitt 4/.test(text)) await page.waitForTimeout(1000);
    }
    t.log(`problems: ${JSON.stringify(text.split("\n"))}`);
    if (!/f\.eks\./.test(text)) throw new Error("no row for «f.eks.»");
    if (!/Lang setning/.test(text)) throw new Error("no row for the long sentence");
    if (!/Avsnitt 4 under «Arbeid og næring › Tiltak»/.test(text)) throw new Error("no place name under the long sentence");
    if (!/Avsnitt 2 under «Arbeid og næring»/.test(text)) throw new Error("no place name under the findings");
    await t.shot("3-problems");
  });

  await t.check("saving the .docx again refreshes the view and its findings", async () => {
    fs.writeFileSync(file, docx([[1, "Arbeid og næring"], [0, "Vi vil sette i gang tiltak for unge som står uten arbeid."], [2, "Tiltak"], [0, LONG]]));
    for (let i = 0; i < 60 && !(await shownText()).includes("sette i gang"); i++) await page.waitForTimeout(500);
    if (!(await shownText()).includes("sette i gang")) throw new Error("the view did not change");
    let text = "f.eks.";
    for (let i = 0; i < 30 && /f\.eks\./.test(text); i++) {
      await page.waitForTimeout(1000);
      text = (await t.problems()).join("\n");
    }
    if (/f\.eks\./.test(text)) throw new Error("the old finding is still listed");
    if (!/Lang setning/.test(text)) throw new Error("the long sentence is no longer listed");
    await t.shot("4-after-save");
  });

  await t.check("the palette command on a broken .docx gives one clear notification", async () => {
    await t.openFile("ødelagt.docx");
    await page.waitForTimeout(1000);
    await t.command(SHOW_TEXT);
    const error = toast("kan ikke vise ødelagt.docx");
    await error.first().waitFor({ timeout: 30000 });
    const text = await error.first().innerText();
    t.log(`error: ${text.replace(/\s+/g, " ")}`);
    if ((await error.count()) !== 1) throw new Error(`${await error.count()} notifications`);
    await t.shot("5-broken");
  });
};
