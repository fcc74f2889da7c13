import { deflateRawSync } from "node:zlib";

/**
 * Hostile documents, built by the tests themselves: zip bombs as .docx (honest and lying about
 * their size), deeply nested HTML.
 */

interface ZipInput {
  name: string;
  data: Buffer;
  /** The uncompressed size the archive claims (a lying bomb claims a small one). */
  declaredSize?: number;
}

/** A minimal zip writer (deflate), enough for .docx fixtures. */
function buildZip(entries: ZipInput[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, "utf8");
    const compressed = deflateRawSync(entry.data, { level: 9 });
    const size = entry.declaredSize ?? entry.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(0, 14); // CRC is not checked by the size limits; mammoth never gets this far.
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const contentTypes = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
);
const rels = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
);

/** A .docx whose document.xml is `xmlBytes` long: one paragraph after another of the same text. */
export function docxWithDocumentXml(xmlBytes: number, options: { declaredSize?: number } = {}): Buffer {
  const head = '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>';
  const tail = "</w:body></w:document>";
  const paragraph = "<w:p><w:r><w:t>青禾高新区对新落户企业给予奖励。</w:t></w:r></w:p>";
  const count = Math.max(1, Math.floor((xmlBytes - head.length - tail.length) / Buffer.byteLength(paragraph)));
  const xml = Buffer.from(head + paragraph.repeat(count) + tail);
  return buildZip([
    { name: "[Content_Types].xml", data: contentTypes },
    { name: "_rels/.rels", data: rels },
    { name: "word/document.xml", data: xml, declaredSize: options.declaredSize },
  ]);
}

/** HTML nested `depth` elements deep. */
export function deeplyNestedHtml(depth: number): string {
  return `<html><head><title>嵌套</title></head><body>${"<div>".repeat(depth)}青禾高新区${"</div>".repeat(depth)}</body></html>`;
}
