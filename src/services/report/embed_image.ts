/**
 * Puts a PNG on a sheet of a finished .xlsx. exceljs's streaming writer (which keeps the
 * report's memory flat) can't anchor images to cells, so the picture is added to the package
 * afterwards: the image part, a drawing that anchors it, and the relations and content types
 * that tie them to the sheet (ECMA-376 part 1, SpreadsheetML drawing).
 *
 * @module
 */
import JSZip from "jszip";

/** Where and how large the picture goes. */
export interface ImagePlacement {
  /** 1-based number of the sheet in tab order (its part is xl/worksheets/sheet{n}.xml). */
  sheet: number;
  /** 0-based top-left cell. */
  row: number;
  col: number;
  /** Size in pixels (96 dpi). */
  width: number;
  height: number;
}

const EMU_PER_PX = 9525;
const REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships";
/** Worksheet children that must come after <drawing> (CT_Worksheet's sequence). */
const AFTER_DRAWING = [
  "<legacyDrawing",
  "<legacyDrawingHF",
  "<drawingHF",
  "<picture",
  "<oleObjects",
  "<controls",
  "<webPublishItems",
  "<tableParts",
  "<extLst",
];

function drawingXml(p: ImagePlacement): string {
  const cx = p.width * EMU_PER_PX, cy = p.height * EMU_PER_PX;
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" ` +
    `xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="${REL_NS}">` +
    `<xdr:oneCellAnchor><xdr:from><xdr:col>${p.col}</xdr:col><xdr:colOff>0</xdr:colOff>` +
    `<xdr:row>${p.row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>` +
    `<xdr:ext cx="${cx}" cy="${cy}"/><xdr:pic><xdr:nvPicPr><xdr:cNvPr id="2" name="Chart"/>` +
    `<xdr:cNvPicPr><a:picLocks noChangeAspect="1"/></xdr:cNvPicPr></xdr:nvPicPr>` +
    `<xdr:blipFill><a:blip r:embed="rId1"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill>` +
    `<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="${cx}" cy="${cy}"/></a:xfrm>` +
    `<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic><xdr:clientData/>` +
    `</xdr:oneCellAnchor></xdr:wsDr>`;
}

function relationship(id: string, type: string, target: string): string {
  return `<Relationship Id="${id}" Type="${REL_NS}/${type}" Target="${target}"/>`;
}

/** Returns the workbook with `png` anchored on the sheet; the original bytes are not changed. */
export async function embedImage(
  xlsx: Uint8Array,
  png: Uint8Array,
  at: ImagePlacement,
): Promise<Uint8Array> {
  const zip = await JSZip.loadAsync(xlsx);
  const sheetPath = `xl/worksheets/sheet${at.sheet}.xml`;
  const sheet = await zip.file(sheetPath)?.async("string");
  if (sheet === undefined) throw new Error(`Cannot embed the image: ${sheetPath} is missing`);
  const n = Object.keys(zip.files).filter((f) => /^xl\/drawings\/drawing\d+\.xml$/.test(f))
    .length + 1;
  const media = `chart${n}.png`;
  zip.file(`xl/media/${media}`, png);
  zip.file(`xl/drawings/drawing${n}.xml`, drawingXml(at));
  zip.file(
    `xl/drawings/_rels/drawing${n}.xml.rels`,
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${PKG_REL_NS}">` +
      relationship("rId1", "image", `../media/${media}`) + `</Relationships>`,
  );
  const relsPath = `xl/worksheets/_rels/sheet${at.sheet}.xml.rels`;
  const rels = await zip.file(relsPath)?.async("string") ??
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${PKG_REL_NS}"></Relationships>`;
  const relId = `rIdDrawing${n}`;
  zip.file(
    relsPath,
    rels.replace(
      "</Relationships>",
      relationship(relId, "drawing", `../drawings/drawing${n}.xml`) + "</Relationships>",
    ),
  );
  const tag = `<drawing r:id="${relId}"/>`;
  const cut = AFTER_DRAWING.map((t) => sheet.indexOf(t)).filter((i) => i >= 0);
  const pos = cut.length ? Math.min(...cut) : sheet.lastIndexOf("</worksheet>");
  let xml = sheet.slice(0, pos) + tag + sheet.slice(pos);
  if (!/<worksheet[^>]*xmlns:r=/.test(xml)) {
    xml = xml.replace("<worksheet", `<worksheet xmlns:r="${REL_NS}"`);
  }
  zip.file(sheetPath, xml);
  let types = (await zip.file("[Content_Types].xml")?.async("string")) ?? "";
  if (!/Extension="png"/.test(types)) {
    types = types.replace(
      "<Override",
      `<Default Extension="png" ContentType="image/png"/><Override`,
    );
  }
  types = types.replace(
    "</Types>",
    `<Override PartName="/xl/drawings/drawing${n}.xml" ` +
      `ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/></Types>`,
  );
  zip.file("[Content_Types].xml", types);
  return await zip.generateAsync({
    type: "uint8array",
    compression: "DEFLATE",
    compressionOptions: { level: 1 },
  });
}
