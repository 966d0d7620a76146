/**
 * The cluster front's view of what a process sends a client (server/front.ts DownstreamFrames): it must know, in any
 * chunking of the byte stream, whether it stands between two WebSocket frames (only there may it add its own close
 * frame when the process dies) and whether the process already sent a close.
 */
import assert from 'node:assert/strict';
import { closeFrame, DownstreamFrames } from '../server/front.js';
import { CLOSE_PROCESS_LOST } from '../client/protocol.js';

const UPGRADE = Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n', 'latin1');

/** A server frame (unmasked) with `opcode` and a payload of `n` bytes, in the 7-bit, 16-bit or 64-bit length form. */
function frame(opcode: number, n: number): Buffer {
  const head = n < 126 ? Buffer.from([0x80 | opcode, n]) : n < 65536 ? Buffer.from([0x80 | opcode, 126, n >> 8, n & 0xff]) : Buffer.alloc(10);
  if (n >= 65536) {
    head[0] = 0x80 | opcode;
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(n), 2);
  }
  return Buffer.concat([head, Buffer.alloc(n, 7)]);
}

function feedInChunks(f: DownstreamFrames, bytes: Buffer, size: number): boolean[] {
  const boundaries: boolean[] = [];
  for (let i = 0; i < bytes.length; i += size) {
    f.feed(bytes.subarray(i, i + size));
    boundaries.push(f.atBoundary);
  }
  return boundaries;
}

describe('cluster front: following the frames a process sends', () => {
  const stream = Buffer.concat([UPGRADE, frame(2, 5), frame(2, 300), frame(1, 0), frame(2, 70_000)]);

  for (const size of [1, 3, 7, 64, 1000, stream.length]) {
    it(`knows it is between two frames after the whole stream, fed ${size} bytes at a time, and not inside one`, () => {
      const f = new DownstreamFrames();
      feedInChunks(f, stream, size);
      assert.equal(f.upgraded, true);
      assert.equal(f.atBoundary, true);
      assert.equal(f.sawClose, false);
      // Cut inside the 300-byte frame's payload: not at a boundary.
      const g = new DownstreamFrames();
      feedInChunks(g, stream.subarray(0, UPGRADE.length + 7 + 4 + 100), size);
      assert.equal(g.atBoundary, false);
      // Cut inside a 16-bit length header: not at a boundary either.
      const h = new DownstreamFrames();
      feedInChunks(h, stream.subarray(0, UPGRADE.length + 7 + 3), size);
      assert.equal(h.atBoundary, false);
    });
  }

  it('notices the close frame the process sent (then the front adds none)', () => {
    const f = new DownstreamFrames();
    f.feed(Buffer.concat([UPGRADE, frame(2, 10), closeFrame(4001, 'bye')]));
    assert.equal(f.sawClose, true);
    assert.equal(f.atBoundary, true);
  });

  it('follows nothing after an answer that is not 101 (a refused upgrade)', () => {
    const f = new DownstreamFrames();
    f.feed(Buffer.from('HTTP/1.1 400 Bad Request\r\nContent-Length: 3\r\n\r\nbad', 'latin1'));
    assert.equal(f.upgraded, false);
    assert.equal(f.sawClose, false);
  });

  it('builds a close frame a WebSocket client reads: opcode 8, the code, a reason cut to 123 bytes', () => {
    const c = closeFrame(CLOSE_PROCESS_LOST, 'x'.repeat(300));
    assert.equal(c[0], 0x88);
    assert.equal(c[1], 125);
    assert.equal(c.readUInt16BE(2), 4012);
    assert.equal(c.length, 127);
    const f = new DownstreamFrames();
    f.feed(Buffer.concat([UPGRADE, c]));
    assert.equal(f.sawClose, true);
    assert.equal(f.atBoundary, true);
  });
});
