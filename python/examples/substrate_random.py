"""Random agents on a substrate through Melting Pot's API (crucible.meltingpot.substrate).

    python python/examples/substrate_random.py [substrate] [steps]

Starts the embedded Crucible server (Node on the PATH), plays one episode (or `steps` steps) with every player
acting uniformly at random, and prints each player's return.
"""

import sys

import numpy as np

from crucible.meltingpot import substrate

name = sys.argv[1] if len(sys.argv) > 1 else "commons_harvest__open"
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 1000

config = substrate.get_config(name)
with substrate.build(name, roles=config.default_player_roles, seed=1) as env:
    action_spec = env.action_spec()
    rng = np.random.default_rng(0)
    timestep = env.reset()
    returns = np.zeros(len(action_spec))
    for step in range(steps):
        actions = [rng.integers(0, spec.num_values) for spec in action_spec]
        timestep = env.step(actions)
        returns += timestep.reward
        if timestep.last():
            break
    print(f"{name}: {step + 1} steps, observation keys {sorted(timestep.observation[0])}")
    print("returns:", {f"player_{i}": float(r) for i, r in enumerate(returns)})
