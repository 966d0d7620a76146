"""Melting Pot's documented usage (docs/using_substrates.md, meltingpot/substrate.py, meltingpot/scenario.py),
unchanged except the import line: `from meltingpot import substrate, scenario` became the line below.

    python python/examples/meltingpot_docs.py
"""

import numpy as np

from crucible.meltingpot import scenario, substrate

print(sorted(substrate.SUBSTRATES))

name = "clean_up"
config = substrate.get_config(name)
print(config.valid_roles)
print(config.default_player_roles)

with substrate.build(name, roles=config.default_player_roles) as env:
    print(env.observation_spec())
    print(env.action_spec())
    print(env.reward_spec())

with substrate.build_from_config(config, roles=config.default_player_roles) as env:
    timestep = env.reset()
    for _ in range(100):
        actions = [np.random.randint(spec.num_values) for spec in env.action_spec()]
        timestep = env.step(actions)
    print(timestep.step_type, [float(r) for r in timestep.reward], sorted(timestep.observation[0]))

print(sorted(scenario.SCENARIOS_BY_SUBSTRATE[name]))
scenario_config = scenario.get_config("clean_up_0")
print(scenario_config.substrate, scenario_config.is_focal, scenario_config.description)
with scenario.build("clean_up_0") as env:
    timestep = env.reset()
    print(len(timestep.observation), sorted(timestep.observation[0]))
