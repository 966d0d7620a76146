/**
 * The substrate format: everything a variant is, as data. A substrate file reads top to bottom as a spec — prose
 * header, tunables, ASCII map, legend, action table, observation spec, default population — and contains no logic.
 * The systems read these fields; a variant that only changes data needs no code.
 */

/**
 * What a legend character puts in a cell. Background tiles paint the floor layer; the others create entities.
 * - `spawn:<group>`: a spawn point of the named group (e.g. `spawn:spawnPoints`).
 * - `apple`: an apple that starts live; `potentialApple`: one that starts waiting (Clean Up).
 * - `dirt`: river dirt that starts dirty; `potentialDirt`: dirt-capable river that starts clean.
 * - `resource:<k>`: a collectable of class k (1-based, the matrix games); `resource:choice` picks a class at random.
 * - `tile:<name>`: an inert marker tile with no effect under the default roles (commons_harvest__partnership `I`).
 * - `coin`: a coin cell of Coins, which starts waiting and regrows in either player's colour (systems/coins/).
 * - `claimable`: Territory's resource, a wall players claim by painting it (systems/territory/); `claimable@a/b`: one
 *   that is there with probability a/b each episode (floor otherwise; Melting Pot `a_or_b_with_odds`).
 * - `spawn@a/b:<group>`: a spawn point of the group with probability a/b each episode (Territory: Inside Out `Q`).
 */
export type BackgroundTile = 'floor' | 'grass' | 'sand' | 'river' | 'soil';
export type Prefab =
  | BackgroundTile
  | 'wall'
  | 'apple'
  | 'potentialApple'
  | 'dirt'
  | 'potentialDirt'
  | `spawn:${string}`
  | `resource:${number}`
  | 'resource:choice'
  | `tile:${string}`
  /** Allelopathic Harvest: an unripe berry of colour k (1-based, `allelopathicHarvest.colors[k − 1]`). */
  | `berry:${number}`
  /** Coins: a coin cell (live or waiting). */
  | 'coin'
  | 'claimable'
  | `claimable@${number}/${number}`
  | `spawn@${number}/${number}:${string}`;

/** One entry of the discrete action table: Lab2D primitives. */
export interface ActionSpec {
  readonly name: string;
  /** 0 none, 1 forward, 2 step right, 3 backward, 4 step left (relative to facing). */
  readonly move: 0 | 1 | 2 | 3 | 4;
  /** −1 counter-clockwise (left), 0 none, +1 clockwise (right). */
  readonly turn: -1 | 0 | 1;
  /** Which beam this action fires, if any. */
  readonly fire?: BeamName;
}

/** `color:k`: Allelopathic Harvest's planting beam of berry colour k (1-based); `claim`: Territory's claiming beam. */
export type BeamName = 'zap' | 'clean' | 'interact' | 'claim' | `color:${number}`;

/** Beam geometry and timing shared by every beam. */
export interface BeamSpec {
  /** Ticks after firing during which the beam cannot fire again (minimum gap = cooldown + 1). */
  readonly cooldown: number;
  readonly length: number;
  readonly radius: number;
}

/** The Zapper: a beam that removes (or only marks) the first player it hits. */
export interface ZapperSpec extends BeamSpec {
  /** Ticks a zapped player spends off the grid before respawning. */
  readonly framesTillRespawn: number;
  readonly penaltyForBeingZapped: number;
  readonly rewardForZapping: number;
  readonly removeHitPlayer: boolean;
}

/** DensityRegrow: a waiting apple regrows each tick with probability p[n], n = live apples within `radius` (L2). */
export interface DensityRegrowSpec {
  readonly radius: number;
  /** Indexed by live-neighbour count; counts beyond the end use the last entry. */
  readonly probabilities: readonly number[];
}

/**
 * DirtSpawner (Clean Up): from tick `delayStart` + 1 on, each tick with `spawnProbability` one uniformly random
 * clean dirt-capable river cell becomes dirty.
 */
export interface DirtSpawnSpec {
  readonly spawnProbability: number;
  /** Ticks at the start of an episode with no new dirt (Melting Pot `delayStartOfDirtSpawning`). */
  readonly delayStart: number;
}

/**
 * AppleGrow (Clean Up): each tick every waiting apple appears with p = maxRate · min(interp, 1), interp =
 * (f − thresholdDepletion) / (thresholdRestoration − thresholdDepletion), f = dirty / dirt-capable river cells.
 * So p = maxRate at f ≤ thresholdRestoration, falling linearly to 0 at f ≥ thresholdDepletion.
 */
export interface AppleGrowthSpec {
  readonly maxRate: number;
  /** Dirt fraction at and above which no apple grows. */
  readonly thresholdDepletion: number;
  /** Dirt fraction at and below which apples grow at `maxRate`. */
  readonly thresholdRestoration: number;
}

/** StochasticIntervalEpisodeEnding plus the hard cap. */
export interface EpisodeSpec {
  /** Hard cap: the episode is truncated after this many ticks. */
  readonly maxSteps: number;
  /** No stochastic ending before this tick. */
  readonly minimumSteps: number;
  /** Every `interval` ticks from `minimumSteps` on, end with `probability`. 0 disables stochastic ending. */
  readonly interval: number;
  readonly probability: number;
}

export interface ViewSpec {
  readonly left: number;
  readonly right: number;
  readonly forward: number;
  readonly backward: number;
}

export type Rgb = readonly [number, number, number];

export interface ObservationSpec {
  /** Egocentric window in cells. */
  readonly view: ViewSpec;
  /** Pixels per cell. */
  readonly spriteSize: number;
  /** Observation names offered to focal agents, in order. */
  readonly names: readonly string[];
  /**
   * Main colours of tiles and objects, by sprite name: a summary for readers and tools. The frames are drawn with
   * Melting Pot's full art and palettes (systems/spriteArt.ts); `selfColor` and `playerColors` colour the avatars.
   */
  readonly palette: Readonly<Record<string, Rgb>>;
  /** The observing player's own avatar colour. */
  readonly selfColor: Rgb;
  /** Other players' colours by player slot (cycled); a single entry means every other player looks the same. */
  readonly playerColors: readonly Rgb[];
  /**
   * Each player sees itself in its own slot colour, as others see it, instead of `selfColor` (Melting Pot avatars
   * without a `spriteMap`: Bach or Stravinsky, whose colour shows the role).
   */
  readonly selfInOwnColor?: boolean;
}

/** Who plays: the number of player slots and the default scenario's bots. */
export interface PopulationSpec {
  readonly players: number;
  /** Player slots whose first spawn uses a different spawn group (commons_harvest__open: 0 and 1 start inside). */
  readonly firstSpawn?: { readonly slots: readonly number[]; readonly group: string };
  /** The spawn group used for every (re)spawn not covered by `firstSpawn`. */
  readonly spawnGroup: string;
  /** Face a random direction on spawn (Lab2D default true). */
  readonly randomizeInitialOrientation: boolean;
  /** Bots that may fill background slots in this substrate. */
  readonly bots: readonly string[];
}

/**
 * One resource class of a matrix game: a pure strategy of the underlying matrix game (class k ↔ legend
 * `resource:k`, 1-based; row/column k−1 of the matrices). `role` says which classes count as cooperating and
 * defecting for the exploitation figure and the scripted bots (systems/policies/matrix.ts).
 */
export interface ResourceClassSpec {
  readonly name: string;
  /** The resource sprite's colour and its highlight (`RESOURCE<k>_COLOR`, `RESOURCE<k>_HIGHLIGHT_COLOR`). */
  readonly color: Rgb;
  readonly highlight: Rgb;
  readonly role?: 'cooperate' | 'defect';
}

/**
 * The interaction beam (Melting Pot `GameInteractionZapper`). The firer is the row player, the player hit the
 * column player. After an interaction both players freeze for `freezeTicks`; the payoffs, inventory resets and
 * removals land on the tick after (systems/matrix/applyInteractionEffects.ts).
 */
export interface InteractionSpec extends BeamSpec {
  /** Frames the result is shown with both players frozen before the effects land (`freezeOnInteraction`). */
  readonly freezeTicks: number;
  /** Ticks a removed player spends off the grid before respawning (`framesTillRespawn`). */
  readonly framesTillRespawn: number;
  /** Who has the inventory reset to the initial one after an interaction (`reset_winner/loser_inventory`). */
  readonly resetWinnerInventory: boolean;
  readonly resetLoserInventory: boolean;
  /** Who is removed after an interaction (`winningPlayerDies`, `losingPlayerDies`). Ties go to the row player. */
  readonly winnerRemoved: boolean;
  readonly loserRemoved: boolean;
  /**
   * The episode ends after the first interaction (`endEpisodeOnFirstInteraction`, the one-shot variants): on the
   * tick after its effects land.
   */
  readonly endEpisodeOnFirstInteraction?: boolean;
}

/**
 * The matrix games ("*_in_the_matrix", Melting Pot `the_matrix` level): players collect resources whose mix is
 * their mixed strategy, then tag a partner with the interaction beam; both are paid r·M·c from their inventories.
 */
export interface MatrixSpec {
  /** Resource classes in inventory order (K = their number; the matrices are K × K). */
  readonly resources: readonly ResourceClassSpec[];
  /** Inventory at the start of an episode and after a reset (`zeroInitialInventory` false → all 1). */
  readonly initialInventory: readonly number[];
  /** A collected or destroyed resource waits `delay` ticks, then comes back each tick with `rate` (`Resource`). */
  readonly regeneration: { readonly delay: number; readonly rate: number };
  /** Interaction-beam hits that destroy a live resource, which otherwise stops the beam (`Destroyable`); 0 = no effect. */
  readonly resourceHealth: number;
  /** Row player's payoffs: `rowMatrix[i][j]` when the row player plays i and the column player j. */
  readonly rowMatrix: readonly (readonly number[])[];
  /** Column player's payoffs, same indexing (`columnPlayerMatrix`). */
  readonly columnMatrix: readonly (readonly number[])[];
  readonly interaction: InteractionSpec;
  /** Both players must have collected a resource since their last inventory reset (`disallowUnreadyInteractions`). */
  readonly disallowUnreadyInteractions: boolean;
  /** Every waiting resource comes back when no avatar is on the map (`SpawnResourcesWhenAllPlayersZapped`). */
  readonly spawnResourcesWhenAllPlayersRemoved: boolean;
  /** Crucible only: a beam hit asks the target, who accepts by firing INTERACT within `windowTicks` ticks. */
  readonly consent?: { readonly windowTicks: number };
  /** Equal payoffs make a random winner (p = 0.5 each, from the world's generator) instead of the row player (`randomTieBreaking`). */
  readonly randomTieBreaking?: boolean;
  /**
   * Dyadic roles (`DyadicRole`, Bach or Stravinsky): by player slot (cycled), true for a row player. With roles, only
   * a row player and a column player interact — the row player is the row player whoever fires — and a hit between
   * two players of the same role does nothing (the beam still stops there). Without, the firer is the row player.
   */
  readonly rowPlayers?: readonly boolean[];
}

export interface SubstrateSpec {
  readonly name: string;
  /** Prose header: the dilemma, rewards, termination. */
  readonly description: string;
  readonly map: readonly string[];
  readonly legend: Readonly<Record<string, readonly Prefab[]>>;
  readonly actions: readonly ActionSpec[];
  readonly population: PopulationSpec;
  readonly episode: EpisodeSpec;
  readonly observation: ObservationSpec;
  /** The map wraps around at its edges (Lab2D `topology = "TORUS"`); bounded when absent. */
  readonly torus?: boolean;
  /** No reward accrues while a player is removed (Lab2D `skipWaitStateRewards`, default true). */
  readonly skipWaitStateRewards: boolean;
  /** Reward for stepping onto a live apple (`Edible.rewardForEating`). */
  readonly eating?: { readonly reward: number };
  readonly zapper?: ZapperSpec;
  readonly regrowth?: DensityRegrowSpec;
  /** Clean Up's cleaning beam (`Cleaner`): turns the first dirt it reaches in each line clean. */
  readonly cleaner?: BeamSpec;
  /** Clean Up's DirtSpawner: pollution that builds up on clean river cells. */
  readonly dirt?: DirtSpawnSpec;
  /** Clean Up's AppleGrow: waiting apples appear at a rate set by the river's dirt fraction (not by neighbours). */
  readonly appleGrowth?: AppleGrowthSpec;
  /** The matrix games: resources, inventories, payoff matrices and the interaction beam. */
  readonly matrix?: MatrixSpec;
  /** Allelopathic Harvest: berries, planting beams, tastes and graduated sanctions (systems/allelopathicHarvest/). */
  readonly allelopathicHarvest?: AllelopathicHarvestSpec;
  /** Coins: two players, each with a coin colour; coins of both colours regrow on the coin cells. */
  readonly coins?: CoinsSpec;
  /** Territory: claimable resource walls, the claiming beam, the paintbrush and the graduated zap (systems/territory/). */
  readonly territory?: TerritorySpec;
}

/**
 * One level of Melting Pot's `GraduatedSanctionsMarking` hit logic: what a zap hit does to a player marked at this
 * level (levels count from 1; the marking starts at level 1).
 */
export interface SanctionLevelSpec {
  /** Added to the level after the hit. */
  readonly levelIncrement: number;
  readonly sourceReward: number;
  readonly targetReward: number;
  /** Ticks the hit player can neither move nor zap (0 = none). */
  readonly freeze: number;
  /** The hit player leaves the map one tick later and respawns after the zapper's `framesTillRespawn`. */
  readonly remove: boolean;
}

/**
 * Allelopathic Harvest (Melting Pot `allelopathic_harvest`): berry patches of several colours that players replant
 * with colouring beams, ripening at a rate that grows with the number of berries of the same colour; players of
 * each population prefer one colour. Zap hits are graduated sanctions (`GraduatedSanctionsMarking`).
 */
export interface AllelopathicHarvestSpec {
  /** Berry colours, in colour-id order (colour k ↔ legend `berry:k` and beam `color:k`, 1-based). */
  readonly colors: readonly Rgb[];
  /**
   * The populations in slot order: the players split into equal consecutive groups (Melting Pot's role lists are
   * always `likes_red × n` then `likes_green × n`); group g prefers colour `mostTasty` (1-based).
   */
  readonly populations: readonly { readonly role: string; readonly mostTasty: number }[];
  /** `Taste`: reward for a ripe berry of the preferred colour, and for any other. */
  readonly rewardMostTasty: number;
  readonly rewardDefault: number;
  /**
   * `Regrowth`: a berry made unripe (planted, recoloured or eaten) waits `minimumTimeToRipen` ticks, then ripens
   * each tick with p = baseRate · n (linear) or baseRate · n + baseRate · cubicRate · n³, n = berries of its colour.
   */
  readonly regrowth: { readonly minimumTimeToRipen: number; readonly baseRate: number; readonly cubicRate: number; readonly linearGrowth: boolean };
  /** `ColorZapper`: one planting beam per colour, sharing one cooling timer. */
  readonly plantingBeam: BeamSpec;
  /**
   * `stochasticallyCryptic`: eating a berry turns the eater back to the newborn colour with probability 1 − the
   * largest colour's share of all berries; otherwise after `crypticConsumptionThreshold` berries.
   */
  readonly stochasticallyCryptic: boolean;
  readonly crypticConsumptionThreshold: number;
  /** `GraduatedSanctionsMarking`: the hit logic per level, and ticks alive after which the level goes back to 1. */
  readonly sanctions: { readonly levels: readonly SanctionLevelSpec[]; readonly recoveryTime: number };
}

/**
 * Coins (Melting Pot `coins`): each episode draws two distinct colours from `colours`; the first player (every even
 * slot when tiled) collects coins of the first, the second (odd slots) of the second, and each avatar is drawn in
 * its coin colour. A waiting coin becomes live each tick with `regrowProbability`, in either colour with equal
 * chance (`ChoiceCoinRegrow`). Stepping onto a live coin collects it (`Coin:onEnter`): the collector gets
 * `selfForMatch` for a coin of its own colour and `selfForMismatch` for the other's, and every other player gets
 * `otherForMatch` or `otherForMismatch`.
 */
export interface CoinsSpec {
  /** Colours a player's coins and avatar may take (Melting Pot's `COIN_PALETTES`, in its order). */
  readonly colours: readonly { readonly name: string; readonly color: Rgb }[];
  readonly regrowProbability: number;
  readonly rewards: {
    readonly selfForMatch: number;
    readonly selfForMismatch: number;
    readonly otherForMatch: number;
    readonly otherForMismatch: number;
  };
}

/**
 * Territory (Melting Pot `territory` level; `configs/substrates/territory.py`, `lua/levels/territory/components.lua`).
 * Resource walls are claimed by painting them (the claiming beam or the paintbrush held in front); a claimed wall pays
 * its owner `reward` with probability `rewardRate` per tick once `rewardDelay` ticks have passed since it was claimed.
 * The zap damages walls (destroyed at 0 health, for good) and sanctions players: the first hit freezes, a second
 * within `recoveryTicks` removes the player for the rest of the episode, and its walls return to unclaimed.
 */
export interface TerritorySpec {
  /** The `Resource` component. */
  readonly resource: {
    readonly initialHealth: number;
    readonly reward: number;
    /** Per-tick probability that a claimed wall pays (`rewardRate`). */
    readonly rewardRate: number;
    /** Ticks after a claim before the wall can pay (`rewardDelay`, the updater's `startFrame`). */
    readonly rewardDelay: number;
    /** Ticks after the last zap before a damaged wall may repair itself (`delayTillSelfRepair`). */
    readonly delayTillSelfRepair: number;
    /** Per-tick probability that a damaged wall regains one health once it may (`selfRepairProbability`). */
    readonly selfRepairProbability: number;
    /** Ticks after a claim before a removed owner's claim is released (`releaseClaimOfDeadAgent`'s `startFrame`). */
    readonly releaseDelay: number;
  };
  /** The `ResourceClaimer` beam: cooldown is `beamWait`. Claims pass through walls of resource and players. */
  readonly claim: BeamSpec;
  /** The `Zapper` (no reward or penalty, never removes by itself: the sanctions below do). */
  readonly zap: BeamSpec;
  /** `GraduatedSanctionsMarking`: level 1 → hit → level 2 and frozen; level 2 → hit → removed after `removalDelay`. */
  readonly sanctions: {
    /** Ticks a first hit freezes movement and zapping (`freeze`). */
    readonly freezeTicks: number;
    /** Ticks alive at level 2 after which the level returns to 1 (`recoveryTime`). */
    readonly recoveryTicks: number;
    /** Ticks between the second hit and the removal (Melting Pot: 1). */
    readonly removalDelay: number;
  };
}

/**
 * A scripted policy standing in for one of Melting Pot's background bots. Melting Pot's bots are trained networks
 * (`saved_model`), some driven by a puppeteer that picks the network's goal each step (`puppet`); Crucible cannot
 * carry the networks, so each bot is played by a scripted policy (systems/policies/) that does what the bot's name,
 * description and puppeteer configuration say. The parameters below are the puppeteer's, as configured.
 */
export type BotPolicy =
  /** Territory's bots (systems/policies/territory.ts): the goals in turn, `stepsPerGoal` steps each (one goal: fixed). */
  | { readonly kind: 'territory'; readonly goals: readonly TerritoryGoal[]; readonly stepsPerGoal: number }
  /** Commons Harvest's trained bots: `zaps` (free / fighter) or not (pacifist, good partner); `sustainable` or not. */
  | { readonly kind: 'harvester'; readonly zaps: boolean; readonly sustainable: boolean }
  /** Clean Up's trained cleaners (CLEAN) and consumers (EAT). */
  | { readonly kind: 'clean_up_goal'; readonly goal: CleanUpGoal }
  /** `alternator.Alternator`: the goals in turn, `stepsPerGoal` steps each. */
  | { readonly kind: 'alternator'; readonly goals: readonly CleanUpGoal[]; readonly stepsPerGoal: number }
  /** `clean_up.ConditionalCleaner`. */
  | {
      readonly kind: 'conditional_cleaner';
      readonly threshold: number;
      readonly recencyWindow: number;
      readonly reciprocationPeriod: number;
      readonly nicenessPeriod: number;
    }
  /** `clean_up.CorrigibleReciprocator`. */
  | {
      readonly kind: 'corrigible_reciprocator';
      readonly threshold: number;
      readonly recencyWindow: number;
      readonly corrigibleThreshold: number;
      readonly timeoutSteps: number;
      readonly stepsToCooperateWhenMotivated: number;
    }
  /** `clean_up.SanctionerAlternator`. */
  | {
      readonly kind: 'sanctioner_alternator';
      readonly threshold: number;
      readonly recencyWindow: number;
      readonly stepsToSanctionWhenMotivated: number;
      readonly alternatingSteps: number;
      readonly nice: boolean;
    }
  /** `in_the_matrix.Specialist`: always the class with this role, interacting once it leads by `margin`. */
  | { readonly kind: 'specialist'; readonly target: 'cooperate' | 'defect'; readonly margin: number }
  /** `in_the_matrix.GrimTrigger`: cooperates until partners defected `threshold` times, then defects for good. */
  | { readonly kind: 'grim_trigger'; readonly threshold: number; readonly margin: number }
  /** `in_the_matrix.TitForTat`: plays the partner's last choice, switching with probability `tremble`. */
  | { readonly kind: 'tit_for_tat'; readonly margin: number; readonly tremble: number }
  /** `in_the_matrix.Corrigible`: defects until defected on `threshold` times, then tit-for-tat. */
  | { readonly kind: 'corrigible'; readonly threshold: number; readonly margin: number; readonly tremble: number }
  /**
   * Allelopathic Harvest: plants colour `plants` (1-based) and eats (the trained `bot_that_supports_*`), or, with
   * `conventionFollower`, follows the dominant colour of its recent frames (`allelopathic_harvest.ConventionFollower`).
   */
  | { readonly kind: 'berry_planter'; readonly plants: number }
  | { readonly kind: 'convention_follower'; readonly colorThreshold: number; readonly recencyWindow: number }
  /** `in_the_matrix.ScheduledFlip`: cooperates (margin `initialMargin`) for `threshold` interactions, then defects. */
  | { readonly kind: 'scheduled_flip'; readonly threshold: number; readonly initialMargin: number; readonly finalMargin: number }
  // The puppeteers below name resource classes by index (0-based, the game's inventory order), for the games whose
  // classes are not cooperate / defect (Bach or Stravinsky, the coordination games, Running with Scissors).
  /** `in_the_matrix.Specialist` with a class: always collects `target`, interacting once it leads by `margin`. */
  | { readonly kind: 'class_specialist'; readonly target: number; readonly margin: number }
  /** `in_the_matrix.AlternatingSpecialist`: targets[⌊interactions / interactionsPerTarget⌋ mod n]. */
  | { readonly kind: 'alternating_specialist'; readonly targets: readonly number[]; readonly interactionsPerTarget: number; readonly margin: number }
  /** `in_the_matrix.ScheduledFlip` with classes: `initialTarget` for `threshold` interactions, then `finalTarget`. */
  | {
      readonly kind: 'class_flip';
      readonly threshold: number;
      readonly initialTarget: number;
      readonly finalTarget: number;
      readonly initialMargin: number;
      readonly finalMargin: number;
    }
  /**
   * `in_the_matrix.RespondToPrevious` (`CounterPrevious`, `CoordinateWithPrevious`): targets `responses[c]` after a
   * partner whose clear majority was class c (an unclear one changes nothing); starts on a random response.
   */
  | { readonly kind: 'respond_to_previous'; readonly responses: readonly number[]; readonly margin: number }
  /** `in_the_matrix.TitForTat` with the classes it treats as cooperating and defecting (Bach or Stravinsky). */
  | { readonly kind: 'class_tit_for_tat'; readonly cooperate: number; readonly defect: number; readonly margin: number; readonly tremble: number }
  /**
   * A trained bot without a puppeteer (`saved_model`, e.g. running_with_scissors' `free_0`): stood in for by a
   * uniformly random class after every interaction, the mixed strategy a free player converges to in zero-sum play.
   */
  | { readonly kind: 'free_mixed'; readonly margin: number }
  /** Coins' `fixed_goal.FixedGoal`: always the one goal. */
  | { readonly kind: 'coins_fixed'; readonly goal: CoinsGoal }
  /** `coins.Reciprocator`: cooperates until the partner took `threshold` of its coins within `recencyWindow` steps,
   * then is spiteful for `spitefulPunishmentWindow` steps and defects until `framesToPunish` steps have passed. */
  | {
      readonly kind: 'coins_reciprocator';
      readonly recencyWindow: number;
      readonly threshold: number;
      readonly framesToPunish: number;
      readonly spitefulPunishmentWindow: number;
    };

/**
 * The goals Melting Pot's Coins puppets are given (`puppet_goals` of `coins`, `configs/bots/__init__.py:87-91`):
 * collect only one's own colour, collect every coin, collect only the partner's colour.
 */
export type CoinsGoal = 'COOPERATE' | 'DEFECT' | 'SPITE';

/**
 * A Territory bot's goal. The first four are the puppet goals of Melting Pot's `territory__rooms` puppets
 * (`configs/bots/__init__.py`, `_PUPPET_GOALS`); the last two stand in for its trained saved models: `AGGRESS`
 * (the `aggressor_*` bots: claim, and zap other players and their walls in reach) and `CLAIM_TOLERANT` (the
 * `somewhat_tolerant_bot_*`: claim a moderate territory near the start, zap only players who paint it).
 */
export type TerritoryGoal = 'CLAIM_NEAR' | 'CLAIM_FAR' | 'DESTROY_RESOURCE' | 'ZAP_OTHERS' | 'AGGRESS' | 'CLAIM_TOLERANT';

/** The goals Melting Pot's Clean Up puppets are given (`puppet_goals` of `clean_up_3_goals`). */
export type CleanUpGoal = 'CLEAN' | 'EAT' | 'SANCTION';

/** One of Melting Pot's background bots, by its Melting Pot name, and the scripted policy that stands in for it. */
export interface BotSpec {
  readonly name: string;
  /** The substrate the bot was trained for. */
  readonly substrate: string;
  /** Melting Pot's saved model (`assets/saved_models/<model>`), which Crucible does not run. */
  readonly model: string;
  /** Melting Pot's puppeteer class driving the model, or null for a plain trained policy. */
  readonly puppeteer: string | null;
  /** Where Melting Pot configures the bot. */
  readonly source: string;
  readonly policy: BotPolicy;
}

/**
 * A scenario (Melting Pot `ScenarioConfig`): a substrate played by `isFocal.length` players, the focal ones driven
 * from outside and the others by bots drawn uniformly from `bots` at every reset (every Melting Pot scenario of the
 * substrates Crucible implements has the single role 'default').
 */
export interface ScenarioSpec {
  readonly name: string;
  readonly description: string;
  readonly substrate: string;
  readonly tags: readonly string[];
  /** One entry per player; its length is the scenario's number of players. */
  readonly isFocal: readonly boolean[];
  /** Bot names the background slots are drawn from. */
  readonly bots: readonly string[];
  /** Where Melting Pot defines the scenario (null for Crucible's own). */
  readonly source: string | null;
}
