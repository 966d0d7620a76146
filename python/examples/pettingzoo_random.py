"""Random agents through PettingZoo's ParallelEnv API (crucible.pettingzoo; needs pettingzoo and gymnasium).

    python python/examples/pettingzoo_random.py [substrate] [steps]

Also saves the last WORLD.RGB frame (env.render()) as world.npy in the current directory.
"""

import sys

import numpy as np

from crucible.pettingzoo import parallel_env

name = sys.argv[1] if len(sys.argv) > 1 else "clean_up"
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 1000

env = parallel_env(name, render_mode="rgb_array")
observations, infos = env.reset(seed=42)
returns = dict.fromkeys(env.agents, 0.0)
for step in range(steps):
    actions = {agent: env.action_space(agent).sample() for agent in env.agents}
    observations, rewards, terminations, truncations, infos = env.step(actions)
    for agent, r in rewards.items():
        returns[agent] += r
    if not env.agents:
        break
frame = env.render()
np.save("world.npy", frame)
env.close()
print(f"{name}: {step + 1} steps; WORLD.RGB {frame.shape} saved to world.npy")
print("returns:", returns)
