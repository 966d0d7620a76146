"""Random focal agents in a scenario through Melting Pot's API (crucible.meltingpot.scenario).

    python python/examples/scenario_random.py [scenario] [steps]

The scenario's background players are the server's bots; the environment takes and returns the focal players
only, with Melting Pot's permitted observations only.
"""

import sys

import numpy as np

from crucible.meltingpot import scenario

name = sys.argv[1] if len(sys.argv) > 1 else "commons_harvest__open_0"
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 1000

config = scenario.get_config(name)
print(f"{name} ({config.substrate}): {config.description}; {sum(config.is_focal)} focal of {len(config.is_focal)}")
with scenario.build(name) as env:
    rng = np.random.default_rng(0)
    num_actions = env.action_spec()[0].num_values
    timestep = env.reset()
    focal_return = 0.0
    for step in range(steps):
        timestep = env.step(rng.integers(0, num_actions, env.num_players))
        focal_return += float(np.sum(timestep.reward))
        if timestep.last():
            break
    print(f"{step + 1} steps; focal per-capita return {focal_return / env.num_players:.2f}; "
          f"focal observations {sorted(timestep.observation[0])}")
