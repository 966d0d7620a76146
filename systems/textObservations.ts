/**
 * Text observations for language-model agents: what an agent's own window shows, its own state, its reward and
 * the events it witnessed, as structured JSON (`TextObservation`) and as deterministic English (`observationText`).
 *
 * Nothing here reads beyond the agent's window: the objects come from the symbolic window the renderer draws
 * (`renderSymbolic`, the same cells and layer order as the RGB view), placed on the map with the renderer's own
 * geometry (`windowCellToMap`); another player's identity is read from the map cell the window shows it on, as
 * the RGB view shows it by its colour. Background tiles (floor, grass, sand, river, out of bounds) are left out;
 * walls, apples, dirt, resources and players are listed.
 *
 * Positions are given twice: in map coordinates (x grows east, y grows south, (0, 0) top-left) and relative to
 * the agent (`ahead` cells in front of it, negative behind; `right` cells to its right, negative to its left).
 *
 * Events are witnessed when the agent is a party, or when one of the parties (or the event's cell) is in its window
 * at the end of the tick the event happened in. `WitnessLog` collects them per observer until they are drained.
 */
import { DIR_NAMES } from '../ecs/components.js';
import { agentId } from './environment.js';
import { inventoryLength, inventoryOf } from './matrix/matrixObservations.js';
import { mapToWindow, readyToShoot, renderSymbolic, SYMBOL_CODES, SYMBOL_NAMES, viewCols, viewRows, windowCellToMap } from './renderObservations.js';
import { coinsOf } from './coins/index.js';
import { playerType } from './coins/state.js';
import { Layer } from './layers.js';
import type { Sim } from './sim.js';

export interface SeenObject {
  /** wall, apple, dirt, a resource's name, own_coin / partner_coin (Coins), or player. */
  kind: string;
  x: number;
  y: number;
  ahead: number;
  right: number;
  /** Players: who, and which way they face (N, E, S, W on the map). */
  agent?: string;
  facing?: string;
}

export interface WitnessedEvent {
  tick: number;
  kind: string;
  /** The sentence, as the observer reads it ("player_3 zapped you"). */
  text: string;
  /** The players involved, by agent id. */
  agents: string[];
  /** Payoffs of an interaction, by agent id. */
  rewards?: Record<string, number>;
}

export interface MacroStatus {
  /** The macro's name; null before the first. */
  name: string | null;
  status: 'none' | 'running' | 'done' | 'impossible' | 'replaced' | 'interval';
  reason: string;
  /** Tick the macro ended (or the decision point was reached). */
  tick: number;
}

export interface TextObservation {
  tick: number;
  episode: number;
  agent: string;
  substrate: string;
  self: {
    x: number;
    y: number;
    facing: string;
    /** The beam READY_TO_SHOOT is about: 'zap' (the zapper, Territory's zap), 'interact' (the matrix games), null (none). */
    beam: 'zap' | 'interact' | null;
    /** READY_TO_SHOOT is 1: the beam can fire this tick. */
    ready_to_zap: boolean;
    frozen: boolean;
    removed: boolean;
    /** Matrix games: count per resource name; null elsewhere. */
    inventory: Record<string, number> | null;
  };
  reward: number;
  episode_return: number;
  view: { ahead: number; behind: number; left: number; right: number; objects: SeenObject[] };
  events: WitnessedEvent[];
  macro: MacroStatus | null;
  terminated: boolean;
  truncated: boolean;
}

/** Symbol codes that name an object worth listing (the rest are background). */
const LISTED: Readonly<Record<string, string>> = {
  wall: 'wall', apple: 'apple', dirt: 'dirt', resource1: 'resource1', resource2: 'resource2', resource3: 'resource3',
  selfUp: 'self', selfRight: 'self', selfDown: 'self', selfLeft: 'self',
  otherUp: 'player', otherRight: 'player', otherDown: 'player', otherLeft: 'player',
  // Allelopathic Harvest's berries (colours 1-3 are red, green, blue).
  unripeBerry1: 'unripe_red_berry', unripeBerry2: 'unripe_green_berry', unripeBerry3: 'unripe_blue_berry',
  ripeBerry1: 'ripe_red_berry', ripeBerry2: 'ripe_green_berry', ripeBerry3: 'ripe_blue_berry',
  coin1: 'coin', coin2: 'coin', coin3: 'coin', coin4: 'coin', coin5: 'coin',
};

const scratchOf = new WeakMap<Sim, Uint8Array>();
const cellOut = { x: 0, y: 0 };
const winOut = { ahead: 0, right: 0 };

function resourceName(sim: Sim, kind: string): string {
  const k = kind === 'resource1' ? 0 : kind === 'resource2' ? 1 : kind === 'resource3' ? 2 : -1;
  return k >= 0 ? (sim.spec.matrix?.resources[k]?.name ?? kind) : kind;
}

/** Coins: a coin of the observer's own colour is `own_coin`, one of its partner's `partner_coin`. */
function coinKind(sim: Sim, slot: number, code: number): string {
  const st = coinsOf(sim);
  if (!st) return 'coin';
  return code - SYMBOL_CODES.coin1 === st.typeColour[playerType(slot)] ? 'own_coin' : 'partner_coin';
}

/** The objects in the window of `slot`, nearest first (then farther ahead, then left to right). */
export function seenObjects(sim: Sim, slot: number): SeenObject[] {
  const { view } = sim.spec.observation;
  const rows = viewRows(view), cols = viewCols(view);
  let codes = scratchOf.get(sim);
  if (!codes) scratchOf.set(sim, (codes = new Uint8Array(rows * cols)));
  renderSymbolic(sim, slot, codes);
  const eid = sim.avatars[slot];
  const { c, grid } = sim.world;
  const out: SeenObject[] = [];
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) {
      const kind = LISTED[SYMBOL_NAMES[codes[row * cols + col]]];
      if (kind === undefined || kind === 'self') continue;
      if (!windowCellToMap(sim, eid, row, col, cellOut)) continue;
      const code = codes[row * cols + col];
      const o: SeenObject = { kind: kind === 'coin' ? coinKind(sim, slot, code) : resourceName(sim, kind), x: cellOut.x, y: cellOut.y, ahead: view.forward - row, right: col - view.left };
      if (kind === 'player') {
        const other = grid.at(cellOut.x, cellOut.y, Layer.Upper);
        const s = sim.avatars.indexOf(other);
        if (s >= 0) {
          o.agent = agentId(s);
          o.facing = DIR_NAMES[c.Orientation.dir[other] & 3];
        }
      }
      out.push(o);
    }
  }
  out.sort((a, b) => Math.abs(a.ahead) + Math.abs(a.right) - (Math.abs(b.ahead) + Math.abs(b.right)) || b.ahead - a.ahead || a.right - b.right);
  return out;
}

/** The structured observation of `slot` now, with the events and macro status the caller gathered. */
export function describeObservation(sim: Sim, slot: number, events: WitnessedEvent[], macro: MacroStatus | null): TextObservation {
  const { view } = sim.spec.observation;
  const { c } = sim.world;
  const eid = sim.avatars[slot];
  let inventory: Record<string, number> | null = null;
  if (sim.spec.matrix) {
    const v = new Float64Array(inventoryLength(sim));
    inventoryOf(sim, slot, v);
    inventory = {};
    sim.spec.matrix.resources.forEach((r, k) => ((inventory as Record<string, number>)[r.name] = v[k]));
  }
  return {
    tick: sim.world.tick,
    episode: sim.episode,
    agent: agentId(slot),
    substrate: sim.spec.name,
    self: {
      x: c.Position.x[eid],
      y: c.Position.y[eid],
      facing: DIR_NAMES[c.Orientation.dir[eid] & 3],
      beam: sim.spec.zapper || sim.spec.territory?.zap ? 'zap' : sim.spec.matrix ? 'interact' : null,
      ready_to_zap: readyToShoot(sim, slot) >= 1,
      frozen: c.Frozen.until[eid] > sim.world.tick,
      removed: c.Removed.until[eid] > 0,
      inventory,
    },
    reward: sim.rewards[slot],
    episode_return: sim.returns[slot],
    view: { ahead: view.forward, behind: view.backward, left: view.left, right: view.right, objects: seenObjects(sim, slot) },
    events,
    macro,
    terminated: sim.terminated,
    truncated: sim.truncated,
  };
}

function rel(o: { ahead: number; right: number }): string {
  const a = o.ahead === 0 ? '' : o.ahead > 0 ? `${o.ahead} ahead` : `${-o.ahead} behind`;
  const r = o.right === 0 ? '' : o.right > 0 ? `${o.right} right` : `${-o.right} left`;
  return [a, r].filter((s) => s !== '').join(', ') || 'here';
}

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

/**
 * The observation as English, one fact a line, in a fixed order and wording (two runs diff cleanly). Walls are
 * one line of coordinates; every other object has its own line.
 */
export function observationText(o: TextObservation): string {
  const s = o.self;
  const lines: string[] = [];
  lines.push(`Tick ${o.tick} of episode ${o.episode} in ${o.substrate}. You are ${o.agent}.`);
  lines.push(`You are at (${s.x}, ${s.y}) facing ${s.facing}. ${s.beam === null ? '' : `Ready to ${s.beam}: ${yesNo(s.ready_to_zap)}. `}Frozen: ${yesNo(s.frozen)}. Removed: ${yesNo(s.removed)}.`);
  if (s.inventory) lines.push(`Inventory: ${Object.entries(s.inventory).map(([k, v]) => `${k} ${v}`).join(', ')}.`);
  lines.push(`Reward this step: ${o.reward}. Return this episode: ${o.episode_return}.`);
  const v = o.view;
  lines.push(`In view (${v.ahead} ahead, ${v.behind} behind, ${v.left} left, ${v.right} right):`);
  const walls = v.objects.filter((x) => x.kind === 'wall');
  let any = false;
  for (const x of v.objects) {
    if (x.kind === 'wall') continue;
    any = true;
    if (x.kind === 'player') lines.push(`- ${x.agent ?? 'player'} at (${x.x}, ${x.y}) facing ${x.facing ?? '?'}: ${rel(x)}`);
    else lines.push(`- ${x.kind} at (${x.x}, ${x.y}): ${rel(x)}`);
  }
  if (walls.length > 0) lines.push(`- walls at ${walls.map((w) => `(${w.x}, ${w.y})`).join(' ')}`);
  else if (!any) lines.push('- nothing');
  lines.push('Events since your last decision:');
  if (o.events.length === 0) lines.push('- none');
  for (const e of o.events) lines.push(`- tick ${e.tick}: ${e.text}`);
  if (o.macro && o.macro.name !== null) lines.push(`Macro ${o.macro.name}: ${o.macro.status} at tick ${o.macro.tick} (${o.macro.reason}).`);
  if (o.terminated || o.truncated) lines.push(`The episode has ended (${o.terminated ? 'terminated' : 'truncated'}).`);
  return lines.join('\n') + '\n';
}

/** Events a WitnessLog turns into sentences. */
type Party = { slot: number; x?: number; y?: number };

/**
 * Collects, per registered observer, the events it witnessed, from the world's event bus. Subscribe once per bus
 * (`attach` after every reset: the bus survives resets, the observers do not change).
 */
export class WitnessLog {
  private readonly logs = new Map<number, WitnessedEvent[]>();
  private bus: object | null = null;

  constructor(private readonly sim: Sim) {}

  watch(slot: number): void {
    if (!this.logs.has(slot)) this.logs.set(slot, []);
  }

  unwatch(slot: number): void {
    this.logs.delete(slot);
  }

  /** The events `slot` witnessed since the last drain, oldest first; the log is emptied. */
  drain(slot: number): WitnessedEvent[] {
    const log = this.logs.get(slot);
    if (!log) return [];
    this.logs.set(slot, []);
    return log;
  }

  /** Forget every log (a new episode). */
  clear(): void {
    for (const k of this.logs.keys()) this.logs.set(k, []);
  }

  attach(): void {
    const events = this.sim.world.events;
    if (this.bus === events) return;
    this.bus = events;
    const name = (s: number, me: number): string => (s === me ? 'you' : agentId(s));
    const whose = (s: number, me: number): string => (s === me ? 'your' : `${agentId(s)}'s`);
    events.subscribe('zap_fired', (b) => {
      for (const e of b) this.record(e.tick, 'zap_fired', [{ slot: e.slot }], (me) => `${name(e.slot, me)} fired a zap beam`);
    });
    events.subscribe('zap_hit', (b) => {
      for (const e of b) this.record(e.tick, 'zap_hit', [{ slot: e.attacker }, { slot: e.target }], (me) => `${name(e.attacker, me)} zapped ${name(e.target, me)}`);
    });
    events.subscribe('apple_eaten', (b) => {
      for (const e of b) this.record(e.tick, 'apple_eaten', [{ slot: e.slot, x: e.x, y: e.y }], (me) => `${name(e.slot, me)} ate the apple at (${e.x}, ${e.y})`);
    });
    events.subscribe('dirt_cleaned', (b) => {
      for (const e of b) this.record(e.tick, 'dirt_cleaned', [{ slot: e.slot, x: e.x, y: e.y }], (me) => `${name(e.slot, me)} cleaned the river at (${e.x}, ${e.y})`);
    });
    events.subscribe('resource_collected', (b) => {
      for (const e of b) this.record(e.tick, 'resource_collected', [{ slot: e.slot }], (me) => `${name(e.slot, me)} collected ${resourceName(this.sim, `resource${e.resource}`)}`);
    });
    events.subscribe('interaction', (b) => {
      for (const e of b) {
        const rewards = { [agentId(e.row)]: e.rowReward, [agentId(e.col)]: e.colReward };
        this.record(e.tick, 'interaction', [{ slot: e.row }, { slot: e.col }], (me) =>
          `${name(e.row, me)} interacted with ${name(e.col, me)}: ${name(e.row, me)} played ${e.rowChoice ?? 'nothing'} and gets ${e.rowReward}, ${name(e.col, me)} played ${e.colChoice ?? 'nothing'} and gets ${e.colReward}`, rewards);
      }
    });
    events.subscribe('consent_request', (b) => {
      for (const e of b) this.record(e.tick, 'consent_request', [{ slot: e.requester }, { slot: e.target }], (me) => `${name(e.requester, me)} asked ${name(e.target, me)} to interact`);
    });
    events.subscribe('consent_accepted', (b) => {
      for (const e of b) this.record(e.tick, 'consent_accepted', [{ slot: e.requester }, { slot: e.target }], (me) => `${name(e.target, me)} accepted ${whose(e.requester, me)} request`);
    });
    events.subscribe('consent_refused', (b) => {
      for (const e of b) this.record(e.tick, 'consent_refused', [{ slot: e.requester }, { slot: e.target }], (me) => `${name(e.target, me)} did not accept ${whose(e.requester, me)} request`);
    });
  }

  private record(tick: number, kind: string, parties: Party[], text: (me: number) => string, rewards?: Record<string, number>): void {
    if (this.logs.size === 0) return;
    const { c } = this.sim.world;
    for (const [me, log] of this.logs) {
      const meEid = this.sim.avatars[me];
      let seen = false;
      for (const p of parties) {
        if (p.slot === me) seen = true;
        else {
          const eid = this.sim.avatars[p.slot];
          const x = p.x ?? c.Position.x[eid], y = p.y ?? c.Position.y[eid];
          if (c.Removed.until[meEid] === 0 && mapToWindow(this.sim, meEid, x, y, winOut)) seen = true;
        }
        if (seen) break;
      }
      if (!seen) continue;
      log.push({ tick, kind, text: text(me), agents: parties.map((p) => agentId(p.slot)), ...(rewards ? { rewards } : {}) });
    }
  }
}
