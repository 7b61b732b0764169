// Draws images/icon.png (128x128): a cache drawn as sets x ways in which one page sits under two
// virtual colours, the kernel alias (blue) dirty and the user alias (orange) stale.
// Run: node images/make-icon.mjs. No dependencies: the PNG is encoded here with node:zlib.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const N = 128;
const px = new Uint8Array(N * N * 4);
const put = (x, y, [r, g, b, a]) => {
  const i = (y * N + x) * 4;
  const src = a / 255;
  px[i] = Math.round(r * src + px[i] * (1 - src));
  px[i + 1] = Math.round(g * src + px[i + 1] * (1 - src));
  px[i + 2] = Math.round(b * src + px[i + 2] * (1 - src));
  px[i + 3] = Math.max(px[i + 3], a);
};
/** Filled rounded rectangle, 4x supersampled edges. */
function rect(x0, y0, w, h, r, c) {
  for (let y = Math.floor(y0); y < Math.ceil(y0 + h); y++)
    for (let x = Math.floor(x0); x < Math.ceil(x0 + w); x++) {
      let cover = 0;
      for (let sy = 0; sy < 4; sy++)
        for (let sx = 0; sx < 4; sx++) {
          const fx = x + (sx + 0.5) / 4,
            fy = y + (sy + 0.5) / 4;
          const dx = Math.max(x0 + r - fx, 0, fx - (x0 + w - r));
          const dy = Math.max(y0 + r - fy, 0, fy - (y0 + h - r));
          if (fx >= x0 && fx <= x0 + w && fy >= y0 && fy <= y0 + h && dx * dx + dy * dy <= r * r)
            cover++;
        }
      if (cover) put(x, y, [c[0], c[1], c[2], Math.round(((c[3] ?? 255) * cover) / 16)]);
    }
}

rect(0, 0, 128, 128, 22, [30, 34, 44]);
const cell = 22,
  gap = 5,
  ox = 64 - (4 * cell + 3 * gap) / 2,
  oy = 64 - (4 * cell + 3 * gap) / 2;
for (let row = 0; row < 4; row++)
  for (let col = 0; col < 4; col++) {
    let c = [70, 78, 96];
    if (row === 0 && col === 1) c = [64, 150, 255]; // kernel alias, colour 0
    if (row === 2 && col === 1) c = [255, 150, 40]; // user alias, colour 1
    rect(ox + col * (cell + gap), oy + row * (cell + gap), cell, cell, 4, c);
  }
// "dirty" dot on the kernel line, a red bar across the stale user line
rect(ox + (cell + gap) + cell - 9, oy + 3, 6, 6, 3, [255, 255, 255]);
rect(ox + (cell + gap) - 3, oy + 2 * (cell + gap) + cell / 2 - 2, cell + 6, 4, 2, [230, 40, 50]);

function png(w, h, rgba) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 6; // 8-bit RGBA
  const raw = Buffer.alloc((w * 4 + 1) * h);
  for (let y = 0; y < h; y++)
    Buffer.from(rgba.buffer, y * w * 4, w * 4).copy(raw, y * (w * 4 + 1) + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
writeFileSync(new URL('./icon.png', import.meta.url), png(N, N, px));
