// DRAM as a sparse byte array indexed by PA: chunks appear when first written, reads of untouched
// memory return zero (docs/design/hardware.md, "Golden scenarios": bytes a scenario does not set are 00).

const CHUNK_SHIFT = 16;
const CHUNK = 1 << CHUNK_SHIFT;

export class PhysicalMemory {
  private readonly chunks = new Map<number, Uint8Array>();

  read(pa: number, out: Uint8Array, outOff: number, len: number): void {
    let done = 0;
    while (done < len) {
      const a = pa + done;
      const key = Math.floor(a / CHUNK);
      const at = a - key * CHUNK;
      const n = Math.min(len - done, CHUNK - at);
      const c = this.chunks.get(key);
      if (c) out.set(c.subarray(at, at + n), outOff + done);
      else out.fill(0, outOff + done, outOff + done + n);
      done += n;
    }
  }

  write(pa: number, src: Uint8Array, srcOff: number, len: number): void {
    let done = 0;
    while (done < len) {
      const a = pa + done;
      const key = Math.floor(a / CHUNK);
      const at = a - key * CHUNK;
      const n = Math.min(len - done, CHUNK - at);
      let c = this.chunks.get(key);
      if (!c) {
        c = new Uint8Array(CHUNK);
        this.chunks.set(key, c);
      }
      c.set(src.subarray(srcOff + done, srcOff + done + n), at);
      done += n;
    }
  }

  bytes(pa: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    this.read(pa, out, 0, len);
    return out;
  }
}
