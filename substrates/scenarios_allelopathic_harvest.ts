/**
 * Melting Pot's scenarios and background bots for Allelopathic Harvest (open), as data: names, descriptions, tags,
 * focal split and bot pools from `meltingpot/configs/scenarios/__init__.py`, each bot's configuration from
 * `meltingpot/configs/bots/__init__.py` (the `source` of each entry gives the line). 13 scenarios, 9 bots.
 *
 * Roles. Every one of these scenarios seats `player_who_likes_red` × n then `player_who_likes_green` × n, which is
 * the substrate's own rule (`allelopathicHarvest.populations`: the first half of the slots like red, the second half
 * green), so a scenario with 10 or 4 players has 5 + 5 or 2 + 2. The background slots are always the last ones: in
 * `_0` and `_1` they span both roles with the same bot pool for each; in every other scenario they are all
 * green-likers, as `bots_by_role` gives bots for that role only.
 *
 * Bots. `bot_that_supports_green_*` / `_red_*` are trained networks (`bot_that_loves_green_*`); Crucible plays them
 * as planters of that colour that also eat (systems/policies/allelopathicHarvest.ts). The convention follower is
 * Melting Pot's `ConventionFollower` puppeteer: it starts on CONSUME_ANY and switches to PREFER_RED / PREFER_GREEN /
 * CONSUME_ANY when the mean of its last 5 RGB frames has its red / green / blue channel the largest and above 57.
 */
import type { BotSpec, ScenarioSpec } from './types.js';
import { focal } from './shared.js';

export const BOTS: readonly BotSpec[] = [
  {
    name: 'allelopathic_harvest__open__bot_that_supports_green_0',
    substrate: 'allelopathic_harvest__open',
    model: 'allelopathic_harvest__open/bot_that_loves_green_0',
    puppeteer: null,
    source: 'meltingpot/configs/bots/__init__.py:511',
    policy: { kind: 'berry_planter', plants: 2 },
  },
  {
    name: 'allelopathic_harvest__open__bot_that_supports_green_1',
    substrate: 'allelopathic_harvest__open',
    model: 'allelopathic_harvest__open/bot_that_loves_green_1',
    puppeteer: null,
    source: 'meltingpot/configs/bots/__init__.py:516',
    policy: { kind: 'berry_planter', plants: 2 },
  },
  {
    name: 'allelopathic_harvest__open__bot_that_supports_green_2',
    substrate: 'allelopathic_harvest__open',
    model: 'allelopathic_harvest__open/bot_that_loves_green_2',
    puppeteer: null,
    source: 'meltingpot/configs/bots/__init__.py:521',
    policy: { kind: 'berry_planter', plants: 2 },
  },
  {
    name: 'allelopathic_harvest__open__bot_that_supports_green_3',
    substrate: 'allelopathic_harvest__open',
    model: 'allelopathic_harvest__open/bot_that_loves_green_3',
    puppeteer: null,
    source: 'meltingpot/configs/bots/__init__.py:526',
    policy: { kind: 'berry_planter', plants: 2 },
  },
  {
    name: 'allelopathic_harvest__open__bot_that_supports_red_0',
    substrate: 'allelopathic_harvest__open',
    model: 'allelopathic_harvest__open/bot_that_loves_red_0',
    puppeteer: null,
    source: 'meltingpot/configs/bots/__init__.py:531',
    policy: { kind: 'berry_planter', plants: 1 },
  },
  {
    name: 'allelopathic_harvest__open__bot_that_supports_red_1',
    substrate: 'allelopathic_harvest__open',
    model: 'allelopathic_harvest__open/bot_that_loves_red_1',
    puppeteer: null,
    source: 'meltingpot/configs/bots/__init__.py:536',
    policy: { kind: 'berry_planter', plants: 1 },
  },
  {
    name: 'allelopathic_harvest__open__bot_that_supports_red_2',
    substrate: 'allelopathic_harvest__open',
    model: 'allelopathic_harvest__open/bot_that_loves_red_2',
    puppeteer: null,
    source: 'meltingpot/configs/bots/__init__.py:541',
    policy: { kind: 'berry_planter', plants: 1 },
  },
  {
    name: 'allelopathic_harvest__open__bot_that_supports_red_3',
    substrate: 'allelopathic_harvest__open',
    model: 'allelopathic_harvest__open/bot_that_loves_red_3',
    puppeteer: null,
    source: 'meltingpot/configs/bots/__init__.py:546',
    policy: { kind: 'berry_planter', plants: 1 },
  },
  {
    name: 'allelopathic_harvest__open__puppet_convention_follower_0',
    substrate: 'allelopathic_harvest__open',
    model: 'allelopathic_harvest__open/puppet_0',
    puppeteer: 'allelopathic_harvest.ConventionFollower',
    source: 'meltingpot/configs/bots/__init__.py:551',
    policy: { kind: 'convention_follower', colorThreshold: 57, recencyWindow: 5 },
  },
];

export const SCENARIOS: readonly ScenarioSpec[] = [
  {
    name: 'allelopathic_harvest__open_0',
    description: 'visiting a population where planting green berries is the prevailing convention',
    substrate: 'allelopathic_harvest__open',
    tags: ['visitor', 'convention_following'],
    // roles: player_who_likes_red × 8, player_who_likes_green × 8
    isFocal: focal(4, 12),
    bots: [
      'allelopathic_harvest__open__bot_that_supports_green_0',
      'allelopathic_harvest__open__bot_that_supports_green_1',
      'allelopathic_harvest__open__bot_that_supports_green_2',
      'allelopathic_harvest__open__bot_that_supports_green_3',
    ],
    source: 'meltingpot/configs/scenarios/__init__.py:57',
  },
  {
    name: 'allelopathic_harvest__open_1',
    description: 'visiting a population where planting red berries is the prevailing convention',
    substrate: 'allelopathic_harvest__open',
    tags: ['visitor', 'convention_following'],
    // roles: player_who_likes_red × 8, player_who_likes_green × 8
    isFocal: focal(4, 12),
    bots: [
      'allelopathic_harvest__open__bot_that_supports_red_0',
      'allelopathic_harvest__open__bot_that_supports_red_1',
      'allelopathic_harvest__open__bot_that_supports_red_2',
      'allelopathic_harvest__open__bot_that_supports_red_3',
    ],
    source: 'meltingpot/configs/scenarios/__init__.py:84',
  },
  {
    name: 'allelopathic_harvest__open_2',
    description: 'focals are resident and visited by bots who plant either red or green',
    substrate: 'allelopathic_harvest__open',
    tags: ['resident'],
    // roles: player_who_likes_red × 8, player_who_likes_green × 8
    isFocal: focal(14, 2),
    bots: [
      'allelopathic_harvest__open__bot_that_supports_red_0',
      'allelopathic_harvest__open__bot_that_supports_red_1',
      'allelopathic_harvest__open__bot_that_supports_red_2',
      'allelopathic_harvest__open__bot_that_supports_red_3',
      'allelopathic_harvest__open__bot_that_supports_green_0',
      'allelopathic_harvest__open__bot_that_supports_green_1',
      'allelopathic_harvest__open__bot_that_supports_green_2',
      'allelopathic_harvest__open__bot_that_supports_green_3',
    ],
    source: 'meltingpot/configs/scenarios/__init__.py:111',
  },
  {
    name: 'allelopathic_harvest__open_3',
    description: 'focals like red, visited by convention followers',
    substrate: 'allelopathic_harvest__open',
    tags: ['convention_following'],
    // roles: player_who_likes_red × 8, player_who_likes_green × 8
    isFocal: focal(8, 8),
    bots: [
      'allelopathic_harvest__open__puppet_convention_follower_0',
    ],
    source: 'meltingpot/configs/scenarios/__init__.py:134',
  },
  {
    name: 'allelopathic_harvest__open_4',
    description: 'focals like red, visited by mixture of convention followers and bots who like red',
    substrate: 'allelopathic_harvest__open',
    tags: ['convention_following'],
    // roles: player_who_likes_red × 8, player_who_likes_green × 8
    isFocal: focal(8, 8),
    bots: [
      'allelopathic_harvest__open__bot_that_supports_red_0',
      'allelopathic_harvest__open__puppet_convention_follower_0',
    ],
    source: 'meltingpot/configs/scenarios/__init__.py:148',
  },
  {
    name: 'allelopathic_harvest__open_5',
    description: 'focals like red, visited by mixture of convention followers and bots who like green',
    substrate: 'allelopathic_harvest__open',
    tags: ['convention_following'],
    // roles: player_who_likes_red × 8, player_who_likes_green × 8
    isFocal: focal(8, 8),
    bots: [
      'allelopathic_harvest__open__bot_that_supports_green_0',
      'allelopathic_harvest__open__puppet_convention_follower_0',
    ],
    source: 'meltingpot/configs/scenarios/__init__.py:164',
  },
  {
    name: 'allelopathic_harvest__open_6',
    description: 'not very crowded, focals like red, visited by mixture of convention followers and bots who like green',
    substrate: 'allelopathic_harvest__open',
    tags: ['convention_following'],
    // roles: player_who_likes_red × 5, player_who_likes_green × 5
    isFocal: focal(5, 5),
    bots: [
      'allelopathic_harvest__open__bot_that_supports_green_0',
      'allelopathic_harvest__open__puppet_convention_follower_0',
    ],
    source: 'meltingpot/configs/scenarios/__init__.py:180',
  },
  {
    name: 'allelopathic_harvest__open_7',
    description: 'not very crowded, focals like red, visited by convention followers',
    substrate: 'allelopathic_harvest__open',
    tags: ['convention_following'],
    // roles: player_who_likes_red × 5, player_who_likes_green × 5
    isFocal: focal(5, 5),
    bots: [
      'allelopathic_harvest__open__puppet_convention_follower_0',
    ],
    source: 'meltingpot/configs/scenarios/__init__.py:196',
  },
  {
    name: 'allelopathic_harvest__open_8',
    description: 'very low population, focals like red, meeting convention followers',
    substrate: 'allelopathic_harvest__open',
    tags: ['convention_following'],
    // roles: player_who_likes_red × 2, player_who_likes_green × 2
    isFocal: focal(2, 2),
    bots: [
      'allelopathic_harvest__open__puppet_convention_follower_0',
    ],
    source: 'meltingpot/configs/scenarios/__init__.py:211',
  },
  {
    name: 'allelopathic_harvest__open_9',
    description: 'not very crowded, focals are resident, visited by a couple of convention followers',
    substrate: 'allelopathic_harvest__open',
    tags: ['convention_following'],
    // roles: player_who_likes_red × 5, player_who_likes_green × 5
    isFocal: focal(8, 2),
    bots: [
      'allelopathic_harvest__open__puppet_convention_follower_0',
    ],
    source: 'meltingpot/configs/scenarios/__init__.py:226',
  },
  {
    name: 'allelopathic_harvest__open_10',
    description: 'very low population, focals are resident, and like red berries, they are visited by a convention follower',
    substrate: 'allelopathic_harvest__open',
    tags: ['convention_following'],
    // roles: player_who_likes_red × 2, player_who_likes_green × 2
    isFocal: focal(3, 1),
    bots: [
      'allelopathic_harvest__open__puppet_convention_follower_0',
    ],
    source: 'meltingpot/configs/scenarios/__init__.py:241',
  },
  {
    name: 'allelopathic_harvest__open_11',
    description: 'focals are resident, visited by a couple of convention followers',
    substrate: 'allelopathic_harvest__open',
    tags: ['convention_following'],
    // roles: player_who_likes_red × 8, player_who_likes_green × 8
    isFocal: focal(14, 2),
    bots: [
      'allelopathic_harvest__open__puppet_convention_follower_0',
    ],
    source: 'meltingpot/configs/scenarios/__init__.py:256',
  },
  {
    name: 'allelopathic_harvest__open_12',
    description: 'focals are resident, visited by a couple of convention followers and bots who plant green',
    substrate: 'allelopathic_harvest__open',
    tags: ['convention_following'],
    // roles: player_who_likes_red × 8, player_who_likes_green × 8
    isFocal: focal(12, 4),
    bots: [
      'allelopathic_harvest__open__bot_that_supports_green_0',
      'allelopathic_harvest__open__puppet_convention_follower_0',
    ],
    source: 'meltingpot/configs/scenarios/__init__.py:271',
  },
];
