/**
 * WORLD.RGB as a PNG for the HTTP route and the `world` message, without holding up the event loop every room
 * shares. Drawing the tiles stays on the loop (it reads the simulation, a few ms even at the largest room the
 * budgets allow); the compression, which took most of the time (upng-js searches for a palette in JavaScript: 70–90
 * ms for a 4×4-tiled map here, loadtest/bench/heavy.ts), runs in libuv's thread pool through node:zlib's
 * asynchronous deflate. The PNG is truecolour RGB with filter type 0 on every row (valid, lossless, larger than a
 * palette PNG but still a few tens of KB: tile art compresses well).
 *
 * One image per tick: requests for the same tick share one drawing and one compression (single flight), so a
 * client asking for it a thousand times a second costs one encode per tick, not a thousand.
 */
import { crc32, deflate } from 'node:zlib';
import { promisify } from 'node:util';

const deflateAsync = promisify(deflate);
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Rows of `rgb` (width·3 bytes each) each behind a filter byte 0, as the PNG's IDAT stream wants them. */
export function filteredRows(rgb: Uint8Array, width: number, height: number): Buffer {
  const row = width * 3;
  const out = Buffer.alloc((row + 1) * height);
  for (let y = 0; y < height; y++) out.set(rgb.subarray(y * row, (y + 1) * row), y * (row + 1) + 1);
  return out;
}

/** A truecolour PNG of `rgb` (row-major RGB, width·height·3 bytes), compressed off the event loop. */
export async function encodePngAsync(rgb: Uint8Array, width: number, height: number): Promise<Buffer> {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour
  const idat = await deflateAsync(filteredRows(rgb, width, height), { level: 6 });
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

/** The latest world image of one room: drawn by `draw` (into a scratch it owns), encoded once per `key`. */
export class WorldImage {
  private key = '';
  private pending: Promise<Buffer> | null = null;
  /** Encodes started (for the room's figures and tests). */
  encodes = 0;

  /**
   * `draw` fills an RGB buffer for the current tick and returns it with its size; the buffer is copied before the
   * asynchronous compression starts, so the room may draw into it again next tick.
   */
  constructor(private readonly draw: () => { rgb: Uint8Array; width: number; height: number }) {}

  /** The PNG of the state identified by `key` (e.g. "episode:tick"); one encode per key. */
  png(key: string): Promise<Buffer> {
    if (this.pending !== null && key === this.key) return this.pending;
    const { rgb, width, height } = this.draw();
    this.key = key;
    this.encodes++;
    // encodePngAsync copies the rows before its first await: the scratch is free again when it returns.
    const p = encodePngAsync(rgb, width, height);
    this.pending = p;
    // A failed encode is not cached: the next request tries again.
    p.catch(() => {
      if (this.pending === p) this.pending = null;
    });
    return p;
  }
}
