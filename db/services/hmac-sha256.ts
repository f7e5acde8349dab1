import { createHash } from 'node:crypto';

// HMAC-SHA256 with the key's inner and outer states computed once. For short inputs such as
// e-mail addresses this costs two compressions and no native call per message, several times
// faster than crypto.createHmac per address. Output is identical (tested against node:crypto).

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
  0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
  0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
  0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const IV = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const W = new Int32Array(64);

/** One SHA-256 compression of the 64 bytes at `block[offset]` into `state`. */
function compress(state: Int32Array, block: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const j = offset + i * 4;
    W[i] = (block[j]! << 24) | (block[j + 1]! << 16) | (block[j + 2]! << 8) | block[j + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const w15 = W[i - 15]!;
    const w2 = W[i - 2]!;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
  }
  let a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!, e = state[4]!, f = state[5]!, g = state[6]!, h = state[7]!;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i]! + W[i]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0; state[1] = (state[1]! + b) | 0; state[2] = (state[2]! + c) | 0; state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0; state[5] = (state[5]! + f) | 0; state[6] = (state[6]! + g) | 0; state[7] = (state[7]! + h) | 0;
}

export class HmacSha256 {
  private readonly inner = new Int32Array(8);
  private readonly outer = new Int32Array(8);
  private readonly state = new Int32Array(8);
  private buffer = new Uint8Array(256);
  private readonly encoder = new TextEncoder();

  constructor(key: Uint8Array) {
    const k = new Uint8Array(64);
    k.set(key.length > 64 ? createHash('sha256').update(key).digest() : key);
    const pad = new Uint8Array(64);
    this.inner.set(IV);
    for (let i = 0; i < 64; i++) pad[i] = k[i]! ^ 0x36;
    compress(this.inner, pad, 0);
    this.outer.set(IV);
    for (let i = 0; i < 64; i++) pad[i] = k[i]! ^ 0x5c;
    compress(this.outer, pad, 0);
  }

  /** Base64url (no padding) of HMAC-SHA256(key, UTF-8 bytes of message). */
  digest(message: string): string {
    const st = this.run(message);
    const buf = this.buffer;
    for (let i = 0; i < 8; i++) {
      const w = st[i]!;
      buf[i * 4] = w >>> 24; buf[i * 4 + 1] = w >>> 16; buf[i * 4 + 2] = w >>> 8; buf[i * 4 + 3] = w;
    }
    let out = '';
    for (let i = 0; i < 30; i += 3) {
      const v = (buf[i]! << 16) | (buf[i + 1]! << 8) | buf[i + 2]!;
      out += B64URL[v >>> 18]! + B64URL[(v >>> 12) & 63]! + B64URL[(v >>> 6) & 63]! + B64URL[v & 63]!;
    }
    const v = (buf[30]! << 8) | buf[31]!;
    return out + B64URL[v >>> 10]! + B64URL[(v >>> 4) & 63]! + B64URL[(v << 2) & 63]!;
  }

  /** The first 48 bits of the MAC as a number: a cheap key for membership tests. */
  prefix(message: string): number {
    const st = this.run(message);
    return (st[0]! >>> 0) * 65536 + (st[1]! >>> 16);
  }

  private run(message: string): Int32Array {
    // UTF-8 bytes, then SHA-256 padding: 0x80, zeros, 64-bit bit length; the key block is already hashed.
    let n = message.length;
    let ascii = true;
    for (let i = 0; i < n; i++) if (message.charCodeAt(i) > 0x7f) { ascii = false; break; }
    if (!ascii || n * 3 + 72 > this.buffer.length) {
      if (n * 3 + 72 > this.buffer.length) this.buffer = new Uint8Array(n * 3 + 72);
      if (!ascii) n = this.encoder.encodeInto(message, this.buffer).written;
    }
    const buf = this.buffer;
    if (ascii) for (let i = 0; i < n; i++) buf[i] = message.charCodeAt(i);
    const total = Math.ceil((n + 9) / 64) * 64;
    buf[n] = 0x80;
    buf.fill(0, n + 1, total - 4);
    const bits = (n + 64) * 8;
    buf[total - 4] = bits >>> 24; buf[total - 3] = bits >>> 16; buf[total - 2] = bits >>> 8; buf[total - 1] = bits;
    const st = this.state;
    st.set(this.inner);
    for (let off = 0; off < total; off += 64) compress(st, buf, off);
    // Outer hash over the 32-byte inner digest: one block.
    for (let i = 0; i < 8; i++) {
      const w = st[i]!;
      buf[i * 4] = w >>> 24; buf[i * 4 + 1] = w >>> 16; buf[i * 4 + 2] = w >>> 8; buf[i * 4 + 3] = w;
    }
    buf[32] = 0x80;
    buf.fill(0, 33, 62);
    buf[62] = 0x03; buf[63] = 0x00; // (64 + 32) * 8 = 768 bits
    st.set(this.outer);
    compress(st, buf, 0);
    return st;
  }
}

/** The 48-bit prefix of a base64url MAC, as HmacSha256.prefix gives it. */
export function macPrefix(mac: string): number {
  let v = 0;
  for (let i = 0; i < 8; i++) v = v * 64 + B64URL.indexOf(mac[i]!);
  return v;
}
