/**
 * The README's wire protocol, byte for byte: the transcripts in its ```wire blocks are replayed against a live
 * server by a client with no Colyseus SDK (a plain `ws` WebSocket, msgpack by `msgpackr`), which sends exactly the
 * bytes the README shows and checks every message it receives against the README's bytes (`xx` any byte, `…` any
 * rest). If the README and the server disagree on one byte, this fails.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { unpack } from 'msgpackr';
import WebSocket from 'ws';
import { liveServer } from './helpers/liveServer.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The ```wire blocks of the README, as lines. */
function transcripts(): string[][] {
  const blocks: string[][] = [];
  const re = /```wire\n([\s\S]*?)```/g;
  for (let m = re.exec(README); m !== null; m = re.exec(README)) blocks.push(m[1].trim().split('\n'));
  return blocks;
}

/** `hex` pattern tokens: a byte, `xx` (any byte) or a final `…` (anything, or nothing, after). */
function matches(b: Buffer, pattern: string[]): string | null {
  const open = pattern[pattern.length - 1] === '…';
  const bytes = open ? pattern.slice(0, -1) : pattern;
  if (open ? b.length < bytes.length : b.length !== bytes.length) return `length ${b.length}, the README says ${open ? 'at least ' : ''}${bytes.length}`;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 'xx') continue;
    if (b[i] !== parseInt(bytes[i], 16)) return `byte ${i} is ${b[i].toString(16).padStart(2, '0')}, the README says ${bytes[i]}`;
  }
  return null;
}

const hex = (b: Buffer): string => [...b.subarray(0, 64)].map((x) => x.toString(16).padStart(2, '0')).join(' ') + (b.length > 64 ? ' …' : '');

class Socket {
  readonly frames: Buffer[] = [];
  closeCode: number | null = null;
  private wake: (() => void) | null = null;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (d: Buffer) => {
      this.frames.push(d);
      this.wake?.();
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      this.wake?.();
    });
  }
  async next(what: string): Promise<Buffer | number> {
    const deadline = Date.now() + 10_000;
    while (this.frames.length === 0 && this.closeCode === null) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 200);
        this.wake = () => {
          clearTimeout(t);
          r();
        };
      });
    }
    return this.frames.shift() ?? this.closeCode!;
  }
}

describe('the README wire protocol, replayed byte for byte without an SDK', function () {
  this.timeout(30_000);
  const live = liveServer('wire');
  const sockets: Socket[] = [];
  after(() => sockets.forEach((s) => s.ws.terminate()));

  it('the README has the three transcripts', () => {
    assert.equal(transcripts().length, 3);
  });

  it('replays every transcript: matchmaking, the handshake and its acknowledgement, every message type', async () => {
    // The refused join (transcript 3) joins the controller's room (transcript 1), still open.
    let controllerRoom = '';
    const received: Record<string, Buffer[]> = {};
    for (const [n, lines] of transcripts().entries()) {
      let reservation: Record<string, string> = {};
      let reply: Response | null = null;
      let socket: Socket | null = null;
      for (const line of lines) {
        const where = `transcript ${n + 1}, line "${line.slice(0, 40)}"`;
        if (line.startsWith('POST ')) {
          const [, path, body] = /^POST (\S+) (.*)$/.exec(line)!;
          reply = await fetch(`${live.srv.httpUrl}${path.replace('<roomId>', controllerRoom)}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
        } else if (line.startsWith('→ ')) {
          const [, status, body] = /^→ (\d+) (.*)$/.exec(line)!;
          assert.equal(reply!.status, Number(status), where);
          reservation = (await reply!.json()) as Record<string, string>;
          assert.deepEqual(Object.keys(reservation).sort(), Object.keys(JSON.parse(body) as object).sort(), where);
          if (n === 0) controllerRoom = reservation.roomId;
        } else if (line.startsWith('WS ')) {
          const url = line
            .slice(3)
            .trim()
            .replace('ws://127.0.0.1:2567', live.srv.url)
            .replace('<processId>', reservation.processId)
            .replace('<roomId>', reservation.roomId)
            .replace('<sessionId>', reservation.sessionId);
          const ws = new WebSocket(url);
          socket = new Socket(ws);
          sockets.push(socket);
          await new Promise<void>((resolve, reject) => {
            ws.once('open', () => resolve());
            ws.once('error', reject);
          });
        } else {
          const [dir, label, ...tokens] = line.split(/\s+/);
          if (dir === 'C→S') {
            socket!.ws.send(Buffer.from(tokens.map((t) => parseInt(t, 16))));
          } else {
            assert.equal(dir, 'S→C', where);
            const got: Buffer | number = await socket!.next(label);
            if (label === 'close') {
              assert.equal(got, Number(tokens[0]), `${where}: close code`);
              continue;
            }
            assert.ok(Buffer.isBuffer(got), `${where}: the socket closed (${String(got)}) instead`);
            const why = matches(got, tokens);
            assert.equal(why, null, `${where}: ${why}\n  got ${hex(got)}`);
            (received[`${n + 1}:${label}`] ??= []).push(got);
          }
        }
      }
    }
    // What the README says the bytes mean.
    const payload = (b: Buffer, typeBytes: number): Record<string, unknown> => unpack(b.subarray(1 + typeBytes)) as Record<string, unknown>;
    const welcome = payload(received['1:welcome'][0], 8);
    assert.deepEqual(welcome.slots, [0, 1]);
    assert.equal(welcome.frameBytes, 32 + 11 * 11);
    const error = payload(received['1:error'][0], 6);
    assert.deepEqual(error, { code: 'INVALID_ACTION', message: 'step.actions[1] (slot 1) must be from 0 to 7, got 9' });
    const summary = payload(received['1:episode'][0], 8);
    assert.equal(summary.truncated, true);
    assert.equal(summary.reason, 'reset');
    assert.equal(summary.steps, 1);
    assert.equal(payload(received['2:welcome'][0], 8).role, 'agent');
    const refused = received['3:ERROR'][0];
    assert.equal(refused.subarray(1, 4).readUInt16LE(1), 409);
    assert.match(refused.subarray(6).toString('utf8'), /^ROOM_FULL: slot 0 is already held/);
  });
});
