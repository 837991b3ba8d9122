import assert from "node:assert/strict";
import type { FillPattern } from "exceljs";
import JSZip from "jszip";
import ExcelJS from "./excel.ts";
import { XlsxWriter } from "./xlsx_writer.ts";
import { openSpill } from "./spill.ts";

/** Collects what a writer sends to its stream. */
function sink(): { stream: WritableStream<Uint8Array>; bytes: () => Uint8Array } {
  const parts: Uint8Array[] = [];
  return {
    stream: new WritableStream({ write: (c) => void parts.push(c.slice()) }),
    bytes: () => {
      const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of parts) {
        out.set(p, at);
        at += p.length;
      }
      return out;
    },
  };
}

Deno.test("xlsx writer: sheets, styles, widths and a sheet larger than one deflated chunk read back with exceljs and jszip", async () => {
  const out = sink();
  const wb = new XlsxWriter(out.stream);
  const bold = wb.styleId({ font: "bold" });
  const breach = wb.styleId({ numFmt: "0.00", fill: true });
  const date = wb.styleId({ numFmt: "yyyy-mm-dd hh:mm" });
  assert.equal(wb.styleId({}), 0, "a plain look is the default style");
  assert.equal(wb.styleId({ font: "bold" }), bold, "a look registered once");
  const first = await wb.addSheet("Summary & more", [20, 9, 9, 12]);
  await first.write(
    `<row r="1"><c r="A1" s="${bold}" t="str"><v>Name</v></c></row>` +
      `<row r="2"><c r="A2" s="${breach}"><v>0.5</v></c>` +
      `<c r="B2" s="${date}"><v>46000.5</v></c></row>`,
  );
  await wb.endSheet(first, "A1:D2");
  // ~200,000 characters: several chunks deflated apart must join into one stream
  const big = await wb.addSheet("Big", [10]);
  const rows = 3000;
  for (let r = 1; r <= rows; r++) {
    await big.write(
      `<row r="${r}"><c r="A${r}" t="str"><v>row ${r} ${"x".repeat(50)}</v></c></row>`,
    );
  }
  await wb.endSheet(big, `A1:A${rows}`);
  await wb.commit();
  const bytes = out.bytes();

  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes.buffer as ArrayBuffer);
  assert.deepEqual(book.worksheets.map((w) => w.name), ["Summary & more", "Big"]);
  const ws = book.getWorksheet("Summary & more");
  assert.ok(ws);
  assert.equal(ws.getCell("A1").value, "Name");
  assert.equal(ws.getCell("A1").font?.bold, true);
  assert.equal(ws.getCell("A2").value, 0.5);
  assert.equal(ws.getCell("A2").numFmt, "0.00");
  assert.equal((ws.getCell("A2").fill as FillPattern).fgColor?.argb, "FFFFC7CE");
  assert.ok(ws.getCell("B2").value instanceof Date, "a date format reads back as a date");
  assert.equal(ws.getColumn(1).width, 20);
  assert.equal(ws.getColumn(4).width, 12);
  assert.equal(ws.views[0]?.state, "frozen");
  assert.ok(ws.autoFilter);
  const bigWs = book.getWorksheet("Big");
  assert.ok(bigWs);
  assert.equal(bigWs.rowCount, rows);
  assert.equal(bigWs.getCell(`A${rows}`).value, `row ${rows} ${"x".repeat(50)}`);

  // jszip (which embeds the chart afterwards) checks every entry's CRC
  const zip = await JSZip.loadAsync(bytes, { checkCRC32: true });
  const sheet2 = await zip.file("xl/worksheets/sheet2.xml")?.async("string");
  assert.ok(sheet2 !== undefined && sheet2.endsWith("</worksheet>"));
  assert.ok(sheet2.length > 3 * (1 << 16), "the sheet spans several chunks");
});

for (const memory of [false, true]) {
  Deno.test(`xlsx writer: rows deflated beforehand into a ${memory ? "memory" : "file"} spill are spliced into their sheet and read back`, async () => {
    const out = sink();
    const wb = new XlsxWriter(out.stream);
    const spill = await openSpill(memory);
    try {
      const rows = 4000; // ~300,000 characters: several pieces deflated apart
      for (let r = 2; r <= rows + 1; r++) {
        await spill.push(
          `<row r="${r}"><c r="A${r}" t="str"><v>клиент ${r} ${"y".repeat(60)}</v></c></row>`,
        );
      }
      const body = await spill.finish({ reuse: !memory });
      assert.equal(body.count, rows);
      const sheet = await wb.addSheet("Spliced", [30]);
      await sheet.write('<row r="1"><c r="A1" t="str"><v>Name</v></c></row>');
      await sheet.splice(body);
      await wb.endSheet(sheet, `A1:A${rows + 1}`);
      await wb.commit();
    } finally {
      await spill.dispose();
    }
    const bytes = out.bytes();
    const zip = await JSZip.loadAsync(bytes, { checkCRC32: true });
    const xml = await zip.file("xl/worksheets/sheet1.xml")?.async("string");
    assert.ok(xml !== undefined && xml.endsWith("</worksheet>"));
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes.buffer as ArrayBuffer);
    const ws = book.getWorksheet("Spliced");
    assert.ok(ws);
    assert.equal(ws.rowCount, 4001);
    assert.equal(ws.getCell("A1").value, "Name");
    assert.equal(ws.getCell("A2").value, `клиент 2 ${"y".repeat(60)}`);
    assert.equal(ws.getCell("A4001").value, `клиент 4001 ${"y".repeat(60)}`);
  });
}
