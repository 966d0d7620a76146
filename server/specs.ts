/**
 * The observation, action and reward specs of a substrate, under Melting Pot's names, shapes and dtypes: what a
 * client needs to allocate arrays and declare spaces before the first frame arrives. One function derives them; the
 * `welcome` message and `GET /api/substrates` both call it, so the two can never disagree.
 *
 * Dtypes are Melting Pot's (meltingpot/utils/substrates/specs.py): RGB and WORLD.RGB uint8 (specs.py:39),
 * READY_TO_SHOOT float64 (specs.py:37-38), reward float64 (specs.py:35), action a DiscreteArray of int64
 * (specs.py:44-45), INVENTORY float64 (K) and INTERACTION_INVENTORIES float64 (2, K) (specs.py:126-147),
 * NUM_OTHERS_WHO_CLEANED_THIS_STEP float64 () (configs/substrates/clean_up.py:829), COLLECTIVE_REWARD float64 ()
 * (utils/substrates/wrappers/collective_reward_wrapper.py:67-68). SYMBOLIC is Crucible's own (one uint8 code per
 * cell of the same window; systems/renderObservations.ts tables the codes).
 *
 * On the wire every scalar and vector observation travels as float32 (the frame header and its vector part): a
 * client widens them to the spec's float64.
 */
import type { ObsMode } from '../client/protocol.js';
import { SYMBOL_NAMES, viewCols, viewRows } from '../systems/renderObservations.js';
import type { SubstrateSpec } from '../substrates/types.js';

export interface ObsSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'uint8' | 'float64';
  readonly minimum?: number;
  readonly maximum?: number;
}

export interface ActionSpec {
  readonly name: 'action';
  readonly shape: readonly [];
  readonly dtype: 'int64';
  readonly num_values: number;
  readonly minimum: 0;
  readonly maximum: number;
  /** The action table, by index. */
  readonly names: readonly string[];
}

export interface Specs {
  readonly observations: readonly ObsSpec[];
  readonly action: ActionSpec;
  readonly reward: { readonly name: 'reward'; readonly shape: readonly []; readonly dtype: 'float64' };
}

/** Every observation an agent can be sent (the pixels or symbols follow the join option `obs`). */
export function substrateSpecs(spec: SubstrateSpec, mode: ObsMode, scale = 1): Specs {
  const { view, spriteSize } = spec.observation;
  const rows = viewRows(view);
  const cols = viewCols(view);
  const k = spec.matrix ? spec.matrix.resources.length : 0;
  const observations: ObsSpec[] = [];
  for (const name of spec.observation.names) {
    switch (name) {
      case 'RGB':
        if (mode === 'rgb') observations.push({ name, shape: [rows * spriteSize, cols * spriteSize, 3], dtype: 'uint8', minimum: 0, maximum: 255 });
        else if (mode === 'symbolic') observations.push({ name: 'SYMBOLIC', shape: [rows, cols], dtype: 'uint8', minimum: 0, maximum: SYMBOL_NAMES.length - 1 });
        break;
      case 'READY_TO_SHOOT':
        observations.push({ name, shape: [], dtype: 'float64', minimum: 0, maximum: 1 });
        break;
      case 'INVENTORY':
        observations.push({ name, shape: [k], dtype: 'float64' });
        break;
      case 'INTERACTION_INVENTORIES':
        observations.push({ name, shape: [2, k], dtype: 'float64' });
        break;
      default:
        // COLLECTIVE_REWARD, NUM_OTHERS_WHO_CLEANED_THIS_STEP
        observations.push({ name, shape: [], dtype: 'float64' });
    }
  }
  const height = spec.map.length * scale * spriteSize;
  const width = (spec.map[0]?.length ?? 0) * scale * spriteSize;
  observations.push({ name: 'WORLD.RGB', shape: [height, width, 3], dtype: 'uint8', minimum: 0, maximum: 255 });
  const n = spec.actions.length;
  return {
    observations,
    action: { name: 'action', shape: [], dtype: 'int64', num_values: n, minimum: 0, maximum: n - 1, names: spec.actions.map((a) => a.name) },
    reward: { name: 'reward', shape: [], dtype: 'float64' },
  };
}
