/**
 * Melting Pot's scenarios and background bots for Commons Harvest (open, closed, partnership), as data: names, descriptions, tags, focal
 * split and bot pools from `meltingpot/configs/scenarios/__init__.py`, each bot's configuration from
 * `meltingpot/configs/bots/__init__.py` (the `source` of each entry gives the line). 12 scenarios, 22 bots.
 *
 * Melting Pot's Commons Harvest bots are trained policies: "free" bots zap, pacifists never zap, good partners
 * harvest sustainably without zapping, sustainable fighters zap and harvest sustainably.
 * Crucible plays each bot with the scripted policy in `policy` (systems/policies/scriptedBots.ts).
 */
import type { BotSpec, ScenarioSpec } from './types.js';
import { focal } from './shared.js';

export const BOTS: readonly BotSpec[] = [
  { name: 'commons_harvest__closed__free_0', substrate: 'commons_harvest__closed', model: 'commons_harvest__closed/free_0', puppeteer: null, source: 'meltingpot/configs/bots/__init__.py:1422', policy: { kind: 'harvester', zaps: true, sustainable: true } },
  { name: 'commons_harvest__closed__free_1', substrate: 'commons_harvest__closed', model: 'commons_harvest__closed/free_1', puppeteer: null, source: 'meltingpot/configs/bots/__init__.py:1426', policy: { kind: 'harvester', zaps: true, sustainable: true } },
  { name: 'commons_harvest__closed__free_2', substrate: 'commons_harvest__closed', model: 'commons_harvest__closed/free_2', puppeteer: null, source: 'meltingpot/configs/bots/__init__.py:1430', policy: { kind: 'harvester', zaps: true, sustainable: true } },
  { name: 'commons_harvest__closed__free_3', substrate: 'commons_harvest__closed', model: 'commons_harvest__closed/free_3', puppeteer: null, source: 'meltingpot/configs/bots/__init__.py:1434', policy: { kind: 'harvester', zaps: true, sustainable: true } },
  { name: 'commons_harvest__closed__pacifist_0', substrate: 'commons_harvest__closed', model: 'commons_harvest__closed/pacifist_0', puppeteer: null, source: 'meltingpot/configs/bots/__init__.py:1438', policy: { kind: 'harvester', zaps: false, sustainable: false } },
  { name: 'commons_harvest__closed__pacifist_1', substrate: 'commons_harvest__closed', model: 'commons_harvest__closed/pacifist_1', puppeteer: null, source: 'meltingpot/configs/bots/__init__.py:1442', policy: { kind: 'harvester', zaps: false, sustainable: false } },
  { name: 'commons_harvest__closed__pacifist_2', substrate: 'commons_harvest__closed', model: 'commons_harvest__closed/pacifist_2', puppeteer: null, source: 'meltingpot/configs/bots/__init__.py:1446', policy: { kind: 'harvester', zaps: false, sustainable: false } },
  { name: 'commons_harvest__open__free_0', substrate: 'commons_harvest__open', model: 'commons_harvest__open/free_0', puppeteer: null, source: 'meltingpot/configs/bots/__init__.py:1450', policy: { kind: 'harvester', zaps: true, sustainable: false } },
  { name: 'commons_harvest__open__free_1', substrate: 'commons_harvest__open', model: 'commons_harvest__open/free_1', puppeteer: null, source: 'meltingpot/configs/bots/__init__.py:1454', policy: { kind: 'harvester', zaps: true, sustainable: false } },
  { name: 'commons_harvest__open__pacifist_0', substrate: 'commons_harvest__open', model: 'commons_harvest__open/pacifist_0', puppeteer: null, source: 'meltingpot/configs/bots/__init__.py:1458', policy: { kind: 'harvester', zaps: false, sustainable: false } },
  { name: 'commons_harvest__open__pacifist_1', substrate: 'commons_harvest__open', model: 'commons_harvest__open/pacifist_1', puppeteer: null, source: 'meltingpot/configs/bots/__init__.py:1462', policy: { kind: 'harvester', zaps: false, sustainable: false } },
  { name: 'commons_harvest__partnership__free_0', substrate: 'commons_harvest__partnership', model: 'commons_harvest__partnership/free_0', puppeteer: null, source: 'meltingpot/configs/bots/__init__.py:1466', policy: { kind: 'harvester', zaps: true, sustainable: false } },
  { name: 'commons_harvest__partnership__free_1', substrate: 'commons_harvest__partnership', model: 'commons_harvest__partnership/free_1', puppeteer: null, source: 'meltingpot/configs/bots/__init__.py:1470', policy: { kind: 'harvester', zaps: true, sustainable: false } },
  { name: 'commons_harvest__partnership__free_2', substrate: 'commons_harvest__partnership', model: 'commons_harvest__partnership/free_2', puppeteer: null, source: 'meltingpot/configs/bots/__init__.py:1474', policy: { kind: 'harvester', zaps: true, sustainable: false } },
  { name: 'commons_harvest__partnership__good_partner_0', substrate: 'commons_harvest__partnership', model: 'commons_harvest__partnership/good_partner_0', puppeteer: null, source: 'meltingpot/configs/bots/__init__.py:1478', policy: { kind: 'harvester', zaps: false, sustainable: true } },
  { name: 'commons_harvest__partnership__good_partner_1', substrate: 'commons_harvest__partnership', model: 'commons_harvest__partnership/good_partner_1', puppeteer: null, source: 'meltingpot/configs/bots/__init__.py:1482', policy: { kind: 'harvester', zaps: false, sustainable: true } },
  { name: 'commons_harvest__partnership__good_partner_2', substrate: 'commons_harvest__partnership', model: 'commons_harvest__partnership/good_partner_2', puppeteer: null, source: 'meltingpot/configs/bots/__init__.py:1486', policy: { kind: 'harvester', zaps: false, sustainable: true } },
  { name: 'commons_harvest__partnership__pacifist_0', substrate: 'commons_harvest__partnership', model: 'commons_harvest__partnership/pacifist_0', puppeteer: null, source: 'meltingpot/configs/bots/__init__.py:1490', policy: { kind: 'harvester', zaps: false, sustainable: false } },
  { name: 'commons_harvest__partnership__pacifist_1', substrate: 'commons_harvest__partnership', model: 'commons_harvest__partnership/pacifist_1', puppeteer: null, source: 'meltingpot/configs/bots/__init__.py:1494', policy: { kind: 'harvester', zaps: false, sustainable: false } },
  { name: 'commons_harvest__partnership__pacifist_2', substrate: 'commons_harvest__partnership', model: 'commons_harvest__partnership/pacifist_2', puppeteer: null, source: 'meltingpot/configs/bots/__init__.py:1498', policy: { kind: 'harvester', zaps: false, sustainable: false } },
  { name: 'commons_harvest__partnership__sustainable_fighter_0', substrate: 'commons_harvest__partnership', model: 'commons_harvest__partnership/sustainable_fighter_0', puppeteer: null, source: 'meltingpot/configs/bots/__init__.py:1502', policy: { kind: 'harvester', zaps: true, sustainable: true } },
  { name: 'commons_harvest__partnership__sustainable_fighter_1', substrate: 'commons_harvest__partnership', model: 'commons_harvest__partnership/sustainable_fighter_1', puppeteer: null, source: 'meltingpot/configs/bots/__init__.py:1506', policy: { kind: 'harvester', zaps: true, sustainable: true } },
];

export const SCENARIOS: readonly ScenarioSpec[] = [
  {
    name: 'commons_harvest__closed_0',
    description: 'focals visit pacifist bots who harvest unsustainably',
    substrate: 'commons_harvest__closed',
    tags: ['defense', 'ownership', 'restraint', 'visitor'],
    isFocal: focal(2, 5),
    bots: ['commons_harvest__closed__pacifist_0', 'commons_harvest__closed__pacifist_1', 'commons_harvest__closed__pacifist_2'],
    source: 'meltingpot/configs/scenarios/__init__.py:1865',
  },
  {
    name: 'commons_harvest__closed_1',
    description: 'focals are resident and visited by pacifist bots who harvest unsustainably',
    substrate: 'commons_harvest__closed',
    tags: ['antisocial_newcomers', 'defense', 'ownership', 'resident', 'restraint'],
    isFocal: focal(5, 2),
    bots: ['commons_harvest__closed__pacifist_0', 'commons_harvest__closed__pacifist_1', 'commons_harvest__closed__pacifist_2'],
    source: 'meltingpot/configs/scenarios/__init__.py:1882',
  },
  {
    name: 'commons_harvest__closed_2',
    description: 'focals visit bots who zap and harvest sustainably if they get a chance',
    substrate: 'commons_harvest__closed',
    tags: ['defense', 'ownership', 'restraint', 'visitor'],
    isFocal: focal(2, 5),
    bots: ['commons_harvest__closed__free_0', 'commons_harvest__closed__free_1', 'commons_harvest__closed__free_2', 'commons_harvest__closed__free_3'],
    source: 'meltingpot/configs/scenarios/__init__.py:1901',
  },
  {
    name: 'commons_harvest__closed_3',
    description: 'focals are resident, and are visited by bots who zap and harvest sustainably if they get a chance',
    substrate: 'commons_harvest__closed',
    tags: ['defense', 'ownership', 'prosocial_newcomers', 'resident', 'restraint'],
    isFocal: focal(5, 2),
    bots: ['commons_harvest__closed__free_0', 'commons_harvest__closed__free_1', 'commons_harvest__closed__free_2', 'commons_harvest__closed__free_3'],
    source: 'meltingpot/configs/scenarios/__init__.py:1920',
  },
  {
    name: 'commons_harvest__open_0',
    description: 'focals are resident and visited by two bots who zap and harvest unsustainably',
    substrate: 'commons_harvest__open',
    tags: ['antisocial_newcomers', 'defense', 'resident', 'restraint', 'sanctioning'],
    isFocal: focal(5, 2),
    bots: ['commons_harvest__open__free_0', 'commons_harvest__open__free_1'],
    source: 'meltingpot/configs/scenarios/__init__.py:1940',
  },
  {
    name: 'commons_harvest__open_1',
    description: 'focals are resident and visited by two pacifists who harvest unsustainably',
    substrate: 'commons_harvest__open',
    tags: ['antisocial_newcomers', 'resident', 'restraint', 'sanctioning'],
    isFocal: focal(5, 2),
    bots: ['commons_harvest__open__pacifist_0', 'commons_harvest__open__pacifist_1'],
    source: 'meltingpot/configs/scenarios/__init__.py:1958',
  },
  {
    name: 'commons_harvest__partnership_0',
    description: 'meeting good partners',
    substrate: 'commons_harvest__partnership',
    tags: ['defense', 'dyadic_trust', 'ownership', 'restraint', 'visitor'],
    isFocal: focal(1, 6),
    bots: ['commons_harvest__partnership__good_partner_0', 'commons_harvest__partnership__good_partner_1', 'commons_harvest__partnership__good_partner_2'],
    source: 'meltingpot/configs/scenarios/__init__.py:1975',
  },
  {
    name: 'commons_harvest__partnership_1',
    description: 'focals are resident and visitors are good partners',
    substrate: 'commons_harvest__partnership',
    tags: ['defense', 'dyadic_trust', 'ownership', 'prosocial_newcomers', 'resident', 'restraint'],
    isFocal: focal(5, 2),
    bots: ['commons_harvest__partnership__good_partner_0', 'commons_harvest__partnership__good_partner_1', 'commons_harvest__partnership__good_partner_2'],
    source: 'meltingpot/configs/scenarios/__init__.py:1993',
  },
  {
    name: 'commons_harvest__partnership_2',
    description: 'focals visit zappers who harvest sustainably but lack trust',
    substrate: 'commons_harvest__partnership',
    tags: ['defense', 'dyadic_trust', 'ownership', 'restraint', 'visitor'],
    isFocal: focal(1, 6),
    bots: ['commons_harvest__partnership__sustainable_fighter_0', 'commons_harvest__partnership__sustainable_fighter_1'],
    source: 'meltingpot/configs/scenarios/__init__.py:2012',
  },
  {
    name: 'commons_harvest__partnership_3',
    description: 'focals are resident and visited by zappers who harvest sustainably but lack trust',
    substrate: 'commons_harvest__partnership',
    tags: ['defense', 'dyadic_trust', 'ownership', 'resident', 'restraint'],
    isFocal: focal(5, 2),
    bots: ['commons_harvest__partnership__sustainable_fighter_0', 'commons_harvest__partnership__sustainable_fighter_1'],
    source: 'meltingpot/configs/scenarios/__init__.py:2030',
  },
  {
    name: 'commons_harvest__partnership_4',
    description: 'focals visit pacifists who do not harvest sustainably',
    substrate: 'commons_harvest__partnership',
    tags: ['dyadic_trust', 'ownership', 'restraint', 'sanctioning', 'visitor'],
    isFocal: focal(2, 5),
    bots: ['commons_harvest__partnership__pacifist_0', 'commons_harvest__partnership__pacifist_1', 'commons_harvest__partnership__pacifist_2'],
    source: 'meltingpot/configs/scenarios/__init__.py:2048',
  },
  {
    name: 'commons_harvest__partnership_5',
    description: 'focals visit zappers who do not harvest sustainably',
    substrate: 'commons_harvest__partnership',
    tags: ['defense', 'dyadic_trust', 'ownership', 'restraint', 'visitor'],
    isFocal: focal(2, 5),
    bots: ['commons_harvest__partnership__free_0', 'commons_harvest__partnership__free_1', 'commons_harvest__partnership__free_2'],
    source: 'meltingpot/configs/scenarios/__init__.py:2066',
  },
];
