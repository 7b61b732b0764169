// Byte and address formatting shared by the trace, the outcome and the renderer.

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Compact lowercase hex, the JSON form of bytes in an Outcome ("11223344"). */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += HEX[b];
  return s;
}

/** Spaced uppercase pairs for people ("11 22 33 44"), as the spec writes them. */
export function spacedHex(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (const b of bytes) parts.push((HEX[b] ?? '00').toUpperCase());
  return parts.join(' ');
}

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  const out = new Uint8Array(clean.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Addresses are bigint in the model (SPARC64 linear map is above 2^53) and hex strings at the edge. */
export function addrHex(a: bigint | number, width = 8): string {
  return '0x' + a.toString(16).padStart(width, '0');
}

export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return -1;
}
