/**
 * Start rooms and play: pick a substrate, a scenario and the options, start a room (operator token); join any room
 * as a human player and play it with the keyboard, seeing one's own egocentric view, as Melting Pot's human-play
 * mode does. The human's seat is labelled `human` (its policy label) in the results.
 *
 * Keys: W/↑ forward, S/↓ backward, A/← step left, D/→ step right, Q/E turn left/right, space fire (FIRE_ZAP or
 * INTERACT), C FIRE_CLEAN. Each observation is answered with the key pressed since the last one, else the key held,
 * else NOOP.
 */
import { Client, type Room } from '@colyseus/sdk';
import { decodeObservation, MessageType, type Observation } from '../../../client/protocol.js';
import { createRoom, operatorToken, setOperatorToken, type SubstrateInfo } from '../api.js';
import { html, render, useEffect, useRef, useState } from '../html.js';
import { navigate, refreshRooms, state, subscribe } from '../state.js';

const KEY_ACTIONS: Record<string, string> = {
  KeyW: 'FORWARD', ArrowUp: 'FORWARD',
  KeyS: 'BACKWARD', ArrowDown: 'BACKWARD',
  KeyA: 'STEP_LEFT', ArrowLeft: 'STEP_LEFT',
  KeyD: 'STEP_RIGHT', ArrowRight: 'STEP_RIGHT',
  KeyQ: 'TURN_LEFT',
  KeyE: 'TURN_RIGHT',
  Space: 'FIRE',
  KeyC: 'FIRE_CLEAN',
};

const AGENT_TOKEN_KEY = 'crucible.agentToken';

function wsUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`;
}

/** Spectator connections that keep the rooms this page started alive while it is open (an empty room closes). */
const keepAlive = new Map<string, Room>();

async function watch(roomId: string): Promise<void> {
  if (keepAlive.has(roomId)) return;
  const room = await new Client(wsUrl()).joinById(roomId, { role: 'spectator', state: false });
  room.onMessage('*', () => {});
  keepAlive.set(roomId, room);
}

interface Welcome {
  slot: number | null;
  actions: string[];
  substrate: string;
  players: number;
  tickRate: number;
  lockstep: boolean;
}

function StartForm() {
  const substrates = state.substrates;
  const [substrate, setSubstrate] = useState('commons_harvest__open');
  const [scenario, setScenario] = useState('commons_harvest__open_0');
  const [tickRate, setTickRate] = useState('8');
  const [maxSteps, setMaxSteps] = useState('');
  const [seed, setSeed] = useState('0');
  const [lockstep, setLockstep] = useState(false);
  const [record, setRecord] = useState(true);
  const [token, setToken] = useState(operatorToken());
  const [agentToken, setAgentToken] = useState(localStorage.getItem(AGENT_TOKEN_KEY) ?? '');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const spec: SubstrateInfo | undefined = substrates.find((s) => s.name === substrate);
  const start = async (play: boolean) => {
    setOperatorToken(token);
    const options: Record<string, unknown> = { tickRate: Number(tickRate), seed: Number(seed), record, lockstep };
    if (scenario) options.scenario = scenario;
    if (maxSteps) options.maxSteps = Number(maxSteps);
    if (agentToken) options.token = agentToken;
    try {
      const { roomId } = await createRoom(substrate, options);
      setMessage({ ok: true, text: `room ${roomId} started` });
      await refreshRooms();
      if (play) navigate({ view: 'play', roomId });
      else {
        await watch(roomId);
        navigate({ view: 'live', roomId });
      }
    } catch (e) {
      const err = e as Error & { code?: string };
      setMessage({ ok: false, text: `${err.code ?? 'ERROR'}: ${err.message}` });
    }
  };
  return html`<div class="card form-card" data-testid="start-form">
    <div class="card-head"><h3>Start a room</h3><span class="muted">needs the operator token (CRUCIBLE_ADMIN_TOKEN)</span></div>
    <div class="form-grid">
      <label class="field">Substrate
        <select data-testid="start-substrate" value=${substrate} onChange=${(e: Event) => {
          const v = (e.target as HTMLSelectElement).value;
          setSubstrate(v);
          setScenario(substrates.find((s) => s.name === v)?.scenarios[0]?.name ?? '');
        }}>
          ${substrates.map((s) => html`<option value=${s.name}>${s.name} (${s.players})</option>`)}
        </select></label>
      <label class="field">Scenario
        <select data-testid="start-scenario" value=${scenario} onChange=${(e: Event) => setScenario((e.target as HTMLSelectElement).value)}>
          <option value="">none: every slot focal</option>
          ${(spec?.scenarios ?? []).map((s) => html`<option value=${s.name} title=${s.description}>${s.name} (${s.focal} focal)</option>`)}
        </select></label>
      <label class="field">Tick rate (Hz)<input data-testid="start-tickrate" type="number" min="1" max="1000" value=${tickRate} onInput=${(e: Event) => setTickRate((e.target as HTMLInputElement).value)} /></label>
      <label class="field">Max steps<input data-testid="start-maxsteps" type="number" min="1" placeholder="the substrate's" value=${maxSteps} onInput=${(e: Event) => setMaxSteps((e.target as HTMLInputElement).value)} /></label>
      <label class="field">Seed<input data-testid="start-seed" type="number" min="0" value=${seed} onInput=${(e: Event) => setSeed((e.target as HTMLInputElement).value)} /></label>
      <label class="field check"><input type="checkbox" data-testid="start-lockstep" checked=${lockstep} onChange=${(e: Event) => setLockstep((e.target as HTMLInputElement).checked)} /> lockstep (waits for the agents)</label>
      <label class="field check"><input type="checkbox" data-testid="start-record" checked=${record} onChange=${(e: Event) => setRecord((e.target as HTMLInputElement).checked)} /> record replays</label>
      <label class="field">Operator token<input data-testid="operator-token" type="password" autocomplete="off" value=${token} onInput=${(e: Event) => setToken((e.target as HTMLInputElement).value)} /></label>
      <label class="field" title="CRUCIBLE_TOKEN, when the server asks agents for one (also used to play)">Agent token (if the server has one)<input data-testid="agent-token" type="password" autocomplete="off" value=${agentToken} onInput=${(e: Event) => {
        const v = (e.target as HTMLInputElement).value;
        setAgentToken(v);
        // Kept at once: joining a room as a human presents it too.
        if (v) localStorage.setItem(AGENT_TOKEN_KEY, v);
        else localStorage.removeItem(AGENT_TOKEN_KEY);
      }} /></label>
    </div>
    ${spec && html`<p class="muted">${spec.description}</p>`}
    <div class="actions">
      <button class="primary" data-testid="start-play" onClick=${() => start(true)}>Start and play</button>
      <button data-testid="start-room" onClick=${() => start(false)}>Start and watch</button>
    </div>
    ${message && html`<p class=${message.ok ? 'ok' : 'error'} data-testid="start-message">${message.text}</p>`}
  </div>`;
}

function RoomPicker() {
  const [rooms, setRooms] = useState(state.rooms);
  useEffect(() => subscribe((s) => setRooms(s.rooms)), []);
  return html`<div class="card">
    <div class="card-head"><h3>Join a room as a human</h3><span class="muted">${rooms.length} running</span></div>
    <ul class="room-list">
      ${rooms.map(
        (r) => html`<li class="room-item" data-testid="play-room-item" data-room-id=${r.roomId}>
          <div class="room-name">${r.substrate}</div>
          <div class="room-meta">${r.scenario ?? 'no scenario'} · ${r.roomId} · ${r.agents ?? 0} agents</div>
          <div class="actions">
            <button data-testid="join-human" onClick=${() => navigate({ view: 'play', roomId: r.roomId })}>Play</button>
            <a class="button" href=${`#room=${encodeURIComponent(r.roomId)}`}>Watch</a>
          </div>
        </li>`,
      )}
    </ul>
    ${rooms.length === 0 && html`<p class="muted pad">No rooms: start one.</p>`}
  </div>`;
}

/** A seat in a room, played from the keyboard. */
function HumanSeat(props: { roomId: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [welcome, setWelcome] = useState<Welcome | null>(null);
  const [obs, setObs] = useState<Observation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [total, setTotal] = useState(0);
  const [sent, setSent] = useState(0);
  const [lastAction, setLastAction] = useState('NOOP');
  const pressed = useRef<string | null>(null);
  const held = useRef<string[]>([]);

  useEffect(() => {
    let room: Room | null = null;
    let closed = false;
    let actions: string[] = [];
    let ret = 0;
    let count = 0;
    const act = (o: Observation) => {
      if (!room || o.done) return;
      const key = pressed.current ?? held.current[held.current.length - 1] ?? null;
      pressed.current = null;
      let name = key ? KEY_ACTIONS[key] : 'NOOP';
      if (name === 'FIRE') name = actions.find((a) => a.startsWith('FIRE_') || a === 'INTERACT') ?? 'NOOP';
      const index = Math.max(0, actions.indexOf(name));
      room.send(MessageType.Action, { tick: o.tick, episode: o.episode, action: index });
      count++;
      setSent(count);
      setLastAction(actions[index] ?? 'NOOP');
    };
    const agentToken = localStorage.getItem(AGENT_TOKEN_KEY);
    new Client(wsUrl())
      .joinById(props.roomId, { role: 'agent', obs: 'rgb', policy: 'human', ...(agentToken ? { token: agentToken } : {}) })
      .then((r) => {
        if (closed) {
          void r.leave();
          return;
        }
        room = r;
        r.onMessage(MessageType.Welcome, (w: Welcome) => {
          actions = w.actions;
          setWelcome(w);
        });
        r.onMessage(MessageType.Obs, (bytes: Uint8Array) => {
          const o = decodeObservation(bytes);
          if (o.tick === 0) ret = 0;
          ret += o.reward;
          setTotal(ret);
          setObs(o);
          drawObs(o);
          act(o);
        });
        r.onMessage(MessageType.Error, (e: { code: string; message: string }) => setError(`${e.code}: ${e.message}`));
        r.onMessage('*', () => {});
        r.onLeave(() => !closed && setError('left the room'));
      })
      .catch((e: Error) => setError(e.message));
    const down = (e: KeyboardEvent) => {
      if (!(e.code in KEY_ACTIONS) || (e.target as HTMLElement).tagName === 'INPUT') return;
      e.preventDefault();
      pressed.current = e.code;
      if (!held.current.includes(e.code)) held.current.push(e.code);
    };
    const up = (e: KeyboardEvent) => {
      held.current = held.current.filter((k) => k !== e.code);
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    return () => {
      closed = true;
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
      void room?.leave();
    };
  }, [props.roomId]);

  const drawObs = (o: Observation) => {
    const c = canvas.current;
    if (!c || o.mode !== 'rgb' || !o.width || !o.height) return;
    c.width = o.width;
    c.height = o.height;
    const ctx = c.getContext('2d')!;
    const img = ctx.createImageData(o.width, o.height);
    for (let i = 0, j = 0; i < o.width * o.height; i++, j += 3) {
      img.data[i * 4] = o.data[j];
      img.data[i * 4 + 1] = o.data[j + 1];
      img.data[i * 4 + 2] = o.data[j + 2];
      img.data[i * 4 + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  };

  return html`<div class="card human-card" data-testid="human-seat">
    <div class="card-head"><h3>Playing ${welcome?.substrate ?? '…'} as <code>human</code>${welcome?.slot !== undefined && welcome?.slot !== null ? `, slot ${welcome.slot}` : ''}</h3>
      <button data-testid="human-leave" onClick=${() => navigate({ view: 'play', roomId: null })}>Leave</button></div>
    ${error && html`<p class="error" data-testid="human-error">${error}</p>`}
    <div class="human-layout">
      <canvas data-testid="human-view" class="pixelated human-view" ref=${canvas} width="88" height="88"></canvas>
      <div>
        <dl class="kpis" data-testid="human-status" data-slot=${welcome?.slot ?? ''} data-tick=${obs?.tick ?? ''} data-sent=${sent}>
          <div class="kpi"><dt>Tick</dt><dd>${obs?.tick ?? '—'}</dd></div>
          <div class="kpi"><dt>Episode</dt><dd>${obs?.episode ?? '—'}</dd></div>
          <div class="kpi"><dt>Return</dt><dd>${total.toFixed(1)}</dd></div>
          <div class="kpi"><dt>Ready to fire</dt><dd>${obs ? (obs.readyToShoot ? 'yes' : 'no') : '—'}</dd></div>
          <div class="kpi"><dt>Last action</dt><dd class="mono">${lastAction}</dd></div>
          <div class="kpi"><dt>Status</dt><dd>${obs?.removed ? 'removed' : obs?.frozen ? 'frozen' : 'playing'}</dd></div>
        </dl>
        <p class="keys"><kbd>W</kbd><kbd>A</kbd><kbd>S</kbd><kbd>D</kbd> or arrows move · <kbd>Q</kbd><kbd>E</kbd> turn · <kbd>Space</kbd> fire${welcome?.actions.includes('FIRE_CLEAN') ? html` · <kbd>C</kbd> clean` : ''}</p>
        <p class="muted">Your own view, egocentric: you are the avatar in the Self colour near the bottom, facing up. <a href=${`#room=${encodeURIComponent(props.roomId)}`} target="_blank">Watch the room's charts</a> in another tab.</p>
      </div>
    </div>
  </div>`;
}

function PlayRoot() {
  const [route, setRoute] = useState(state.route);
  const [, setSubstrates] = useState(state.substrates.length);
  useEffect(() => subscribe((s) => (setRoute(s.route), setSubstrates(s.substrates.length))), []);
  if (route.view !== 'play') return null;
  return html`<section class="view-pad">
    <div class="view-head"><h1>Start rooms and play</h1></div>
    ${route.roomId ? html`<${HumanSeat} roomId=${route.roomId} />` : null}
    <div class="top-row">
      <${StartForm} />
      <${RoomPicker} />
    </div>
  </section>`;
}

export function startPlayView(root: HTMLElement): void {
  const sync = () => {
    root.hidden = state.route.view !== 'play';
  };
  subscribe(sync);
  sync();
  render(html`<${PlayRoot} />`, root);
  window.addEventListener('pagehide', () => {
    for (const room of keepAlive.values()) void room.leave();
  });
}
