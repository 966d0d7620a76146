/**
 * commons_harvest__partnership — Commons Harvest, closed rooms with two entrances each.
 *
 * The closed map, but each room has a second corridor (`I` tiles), so guarding a room takes two players working
 * together. The `I` tiles carry a role-based reward tile that pays −10 to a "putative_cooperator"; every player has
 * the role "none" by default, so under the default population the tiles pay nothing. Rules otherwise as closed.
 *
 * The episode ends with probability 0.15 at every 100th step from step 1000 on, and is cut at 5000 steps.
 * Source: Melting Pot `configs/substrates/commons_harvest__partnership.py`.
 */
import { substrate as closed, REGROWTH_PROBABILITIES } from './commons_harvest__closed.js';
import { LEGEND as OPEN_LEGEND } from './commons_harvest__open.js';
import type { SubstrateSpec } from './types.js';

export const MAP = [
  'WWWWWWWWWWWWWWWWWWWWWWWW',
  'WAAA    A  II  A    AAAW',
  'WAA    AAA II AAA    AAW',
  'WA    AAAAAIIAAAAA    AW',
  'W      AAA II AAA      W',
  'W       A  II  A       W',
  'W  A       II       A  W',
  'W AAA  Q   WW   Q  AAA W',
  'WAAAAA     II     AAAAAW',
  'W AAA  WWWWWWWWWW  AAA W',
  'W  A       WW       A  W',
  'WWWWWWWWWW WW WWWWWWWWWW',
  'W          WW          W',
  'W  WWWWWWWWWWWWWWWWWW  W',
  'W  PPPPPPPPPPPPPPPPPP  W',
  'W PPPPPPPPPPPPPPPPPPPP W',
  'WPPPPPPPPPPPPPPPPPPPPPPW',
  'WWWWWWWWWWWWWWWWWWWWWWWW',
] as const;

export const substrate: SubstrateSpec = {
  ...closed,
  name: 'commons_harvest__partnership',
  description:
    'The closed map with a second corridor into each room, so defending a room takes two players. ' +
    'Hidden role tiles in the corridors pay nothing under the default roles.',
  map: MAP,
  legend: { ...OPEN_LEGEND, I: ['floor', 'tile:rolePunishment'] },
  regrowth: { radius: 2, probabilities: REGROWTH_PROBABILITIES },
};
