/**
 * Controller benchmark: one controller holding all 7 slots of commons_harvest__open in a lockstep room, stepping as
 * fast as the server answers, over loopback, from Node. The server runs in its own process (loadtest/
 * serverProcess.ts, as `npm start` runs it); this process is the client: a plain WebSocket and msgpack
 * (loadtest/rawClient.ts), sending the next `step` the moment a step frame arrives, with seeded random actions, and
 * sending `reset` when an episode ends (autoReset is off in a controller's room).
 *
 * Cases: obs rgb, obs symbolic, and rgb with the event counters and WORLD.RGB bytes in every frame. Each case warms
 * up for 1 s, then runs --runs times for --seconds each in a fresh room; the figure is the median.
 *
 * Prints per case {"bench":"controller","substrate":"commons_harvest__open","slots":7,"obs":…,"events":…,
 * "world":…,"frame_bytes":…,"steps_per_s":…,"agent_steps_per_s":…,"rtt_us":{"p50":…,"p99":…},
 * "server_cpu_pct":…}: rtt is the time from sending a step to its frame arriving; server_cpu_pct the server
 * process's CPU over the measured runs (100 = one core).
 * Options: --runs=N (default 3), --seconds=S (default 3), --seed=N (default 1).
 */
import { pack } from 'msgpackr';
import type { RawData } from 'ws';
import { Rng } from '../../ecs/rng.js';
import { RawClient } from '../rawClient.js';
import { procCpuMicros, startServerProcess } from '../serverProcess.js';
import { median, option } from './util.js';

const SUBSTRATE = 'commons_harvest__open';
const WARMUP_S = 1;

interface Case {
  obs: 'rgb' | 'symbolic';
  events: boolean;
  world: boolean;
}

const CASES: Case[] = [
  { obs: 'rgb', events: false, world: false },
  { obs: 'symbolic', events: false, world: false },
  { obs: 'rgb', events: true, world: true },
];

/** The bytes of a ROOM_DATA "step" message header: code 13 and the type as a msgpack string. */
const STEP_HEADER = Buffer.from([13, 0xa4, 0x73, 0x74, 0x65, 0x70]);
const RESET = RawClient.encode('reset', undefined);

/** Step a fresh room for `seconds`; steps, frame bytes and round-trip times (µs). */
async function drive(httpUrl: string, c: Case, seconds: number, rng: Rng): Promise<{ steps: number; seconds: number; frameBytes: number; rtts: number[] }> {
  const client = await RawClient.join(httpUrl, 'create', SUBSTRATE, { role: 'controller', obs: c.obs, events: c.events, world: c.world });
  const welcome = await client.nextPayload<{ slots: number[]; actions: string[] }>('welcome');
  const first = await client.nextBytes('step');
  const n = welcome.slots.length;
  const actionCount = welcome.actions.length;
  const actions = new Array<number>(n).fill(0);
  const msg = { episode: 0, tick: 0, actions };
  const rtts: number[] = [];
  let steps = 0;
  let frameBytes = first.length;
  let sentAt = 0n;
  const ws = client.ws;
  ws.removeAllListeners('message');
  const t0 = process.hrtime.bigint();
  const limit = BigInt(Math.round(seconds * 1e9));
  const sendStep = (frame: Buffer): void => {
    // frame: the step frame (after the 6 type bytes): tick at 4, episode at 8, flags at 3.
    if (frame[3] & 0b11) {
      sentAt = process.hrtime.bigint();
      ws.send(RESET);
      return;
    }
    msg.tick = frame.readUInt32LE(4);
    msg.episode = frame.readUInt32LE(8);
    for (let i = 0; i < n; i++) actions[i] = rng.int(actionCount);
    sentAt = process.hrtime.bigint();
    ws.send(Buffer.concat([STEP_HEADER, pack(msg)]));
  };
  await new Promise<void>((resolve) => {
    ws.on('message', (data: RawData) => {
      const b = data as Buffer;
      // ROOM_DATA_BYTES "step" (the episode summary, ROOM_DATA, needs no answer).
      if (b[0] !== 17 || b[1] !== 0xa4) return;
      const now = process.hrtime.bigint();
      rtts.push(Number(now - sentAt) / 1000);
      steps++;
      frameBytes = b.length - 6;
      if (now - t0 >= limit) return resolve();
      sendStep(b.subarray(6));
    });
    sendStep(first);
  });
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  await client.leave();
  return { steps, seconds: elapsed, frameBytes, rtts };
}

function percentile(xs: number[], p: number): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

export async function run(args: string[]): Promise<void> {
  const runs = option(args, 'runs', 3);
  const seconds = option(args, 'seconds', 3, false);
  const rng = new Rng(option(args, 'seed', 1));
  const server = await startServerProcess();
  try {
    for (const c of CASES) {
      await drive(server.httpUrl, c, WARMUP_S, rng);
      const rates: number[] = [];
      const rtts: number[] = [];
      let frameBytes = 0;
      let busy = 0;
      let wall = 0;
      for (let r = 0; r < runs; r++) {
        const cpu0 = procCpuMicros(server.pid);
        const w0 = performance.now();
        const out = await drive(server.httpUrl, c, seconds, rng);
        const cpu1 = procCpuMicros(server.pid);
        if (cpu0 !== null && cpu1 !== null) busy += cpu1 - cpu0;
        wall += (performance.now() - w0) * 1000;
        rates.push(out.steps / out.seconds);
        rtts.push(...out.rtts);
        frameBytes = out.frameBytes;
      }
      const stepsPerS = median(rates);
      process.stdout.write(
        `${JSON.stringify({
          bench: 'controller',
          substrate: SUBSTRATE,
          slots: 7,
          obs: c.obs,
          events: c.events,
          world: c.world,
          frame_bytes: frameBytes,
          steps_per_s: Math.round(stepsPerS),
          agent_steps_per_s: Math.round(stepsPerS * 7),
          rtt_us: { p50: Math.round(percentile(rtts, 50)), p99: Math.round(percentile(rtts, 99)) },
          server_cpu_pct: wall > 0 ? Math.round((busy / wall) * 1000) / 10 : null,
        })}\n`,
      );
    }
  } finally {
    await server.stop();
  }
}
