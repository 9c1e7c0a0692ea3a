import { create } from "qrcode";

/**
 * The QR code that opens the public verification page, drawn as vector squares from the symbol the `qrcode`
 * package computes: sharp at any zoom or print resolution, a few hundred bytes, and no image to embed.
 *
 * Error correction M (15 % of the symbol recoverable): enough for a creased or smudged printout, while a
 * verification URL with a claim code in its fragment still fits a symbol whose modules stay large on paper.
 */
export function drawQrCode(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const { modules } = create(text, { errorCorrectionLevel: "M" });
  const module = size / modules.size;
  doc.save();
  // Each horizontal run of dark modules is one rectangle: fewer path operations, no hairline seams between
  // neighbouring squares when a viewer anti-aliases them.
  for (let row = 0; row < modules.size; row++) {
    let runStart = -1;
    for (let col = 0; col <= modules.size; col++) {
      const dark = col < modules.size && modules.get(row, col) === 1;
      if (dark && runStart < 0) runStart = col;
      if (!dark && runStart >= 0) {
        doc.rect(x + runStart * module, y + row * module, (col - runStart) * module, module);
        runStart = -1;
      }
    }
  }
  doc.fillColor("#000000").fill();
  doc.restore();
}
