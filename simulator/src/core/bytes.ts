// Byte and address formatting shared by the trace, the outcome and the renderer.

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const DIGIT = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/** Compact lowercase hex, the JSON form of bytes in an Outcome ("11223344"). */
export function toHex(bytes: Uint8Array): string {
  if (bytes.length <= 256) {
    let s = '';
    for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i] ?? 0];
    return s;
  }
  // Large buffers: char codes in a typed array, turned into a string a chunk at a time.
  const codes = new Uint16Array(bytes.length * 2);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] ?? 0;
    codes[2 * i] = DIGIT[b >> 4] ?? 48;
    codes[2 * i + 1] = DIGIT[b & 15] ?? 48;
  }
  const parts: string[] = [];
  for (let i = 0; i < codes.length; i += 8192) {
    // apply takes the typed array as an array-like of char codes (no iterator, unlike spread).
    parts.push(String.fromCharCode.apply(null, codes.subarray(i, i + 8192) as unknown as number[]));
  }
  return parts.join('');
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
