"""Independent PPO on a Crucible substrate through crucible.vector (PyTorch on CPU; needs torch and matplotlib).

    python python/examples/train_ippo.py [--substrate commons_harvest__open] [--minutes 10] [--num-envs 16]
                                         [--episode-steps 500] [--out runs/ippo]

Every player is an independent learner maximising its own return (no shared reward, no communication); they share
one small network's weights (parameter sharing: each agent's experience trains the same policy, which sees only its
own egocentric observation). Input: the SYMBOLIC observation (11 × 11 cell codes, embedded) and READY_TO_SHOOT.
Episodes are capped at --episode-steps (a truncation, treated as the episode's end) so that a short run sees many.

The learning curve: the per-capita episode return of the learning population (its training episodes, sampled
actions) per million agent-steps, with a 95 % confidence interval over the episodes ended in each interval, against
the same substrate played by uniformly random actions (--random-episodes worlds, measured first); at the end the
trained policy plays one more batch of evaluation episodes. Written to OUT/learning_curve.csv and
OUT/learning_curve.png.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

from crucible.vector import make


class Policy(nn.Module):
    """Cell codes → 4-d embeddings → one strided 3 × 3 convolution → 64 units → action logits and value: about
    60k multiply-adds per agent-step, so that a few minutes of one loaded core see hundreds of thousands of steps."""

    def __init__(self, n_actions: int, hidden: int = 64) -> None:
        super().__init__()
        self.embed = nn.Embedding(256, 4)
        self.conv = nn.Sequential(nn.Conv2d(4, 16, 3, stride=2, padding=1), nn.ReLU(), nn.Flatten())
        self.body = nn.Sequential(nn.LazyLinear(hidden), nn.ReLU())
        self.pi = nn.Linear(hidden, n_actions)
        self.v = nn.Linear(hidden, 1)

    def forward(self, sym: torch.Tensor, ready: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x = self.embed(sym.long()).permute(0, 3, 1, 2)
        h = self.body(torch.cat([self.conv(x), ready[:, None]], 1))
        return self.pi(h), self.v(h).squeeze(1)


def mean_ci(x: list[float]) -> tuple[float, float]:
    """Mean and the half-width of its 95 % confidence interval (normal approximation)."""
    a = np.asarray(x, np.float64)
    if len(a) == 0:
        return math.nan, math.nan
    return float(a.mean()), float(1.96 * a.std(ddof=1) / math.sqrt(len(a))) if len(a) > 1 else math.nan


def play_episodes(env, act, episode_steps: int, parts: int = 5) -> tuple[list[float], np.ndarray]:
    """One episode in every world (the env's max_steps): per-capita return per world, and the per-capita reward
    in each fifth of the episode (when in the episode the apples are eaten), averaged over the worlds."""
    obs, _ = env.reset()
    F = env.agents_per_world
    ret = np.zeros(env.num_agents)
    by_part = np.zeros(parts)
    done_worlds: dict[int, float] = {}
    t = 0
    while len(done_worlds) < env.num_worlds:
        obs, rew, term, trunc, infos = env.step(act(obs, env.ready_to_shoot))
        ret += rew
        by_part[min(parts - 1, t * parts // episode_steps)] += rew.sum() / env.num_agents
        t += 1
        ended = (term | trunc).reshape(env.num_worlds, F)[:, 0]
        for w in np.flatnonzero(ended):
            done_worlds.setdefault(int(w), float(ret[w * F : (w + 1) * F].mean()))
    return [done_worlds[w] for w in range(env.num_worlds)], by_part


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--substrate", default="commons_harvest__open", choices=["commons_harvest__open", "clean_up"])
    p.add_argument("--minutes", type=float, default=10.0, help="training wall time (default 10)")
    p.add_argument("--num-envs", type=int, default=16)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--episode-steps", type=int, default=500)
    p.add_argument("--rollout", type=int, default=64, help="steps per update (× num_envs × players agent-steps)")
    p.add_argument("--random-episodes", type=int, default=16, help="worlds of the random baseline (one episode each)")
    p.add_argument("--points", type=int, default=12, help="curve points (episodes pooled per interval)")
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", default="runs/ippo")
    args = p.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(1)  # the worker process uses the other core
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    t_start = time.perf_counter()
    with make(args.substrate, num_envs=args.random_episodes, obs="symbolic", seed=10_000 + args.seed, max_steps=args.episode_steps) as env:
        rng = np.random.default_rng(args.seed)
        n_actions = len(env.action_names)
        random_returns, random_parts = play_episodes(env, lambda o, r: rng.integers(0, n_actions, env.num_agents), args.episode_steps)
    rand_mean, rand_ci = mean_ci(random_returns)
    print(f"random policy: per-capita return {rand_mean:.2f} ± {rand_ci:.2f} ({len(random_returns)} episodes, {time.perf_counter() - t_start:.0f} s); "
          f"by fifth of the episode {np.round(random_parts, 2).tolist()}", flush=True)

    env = make(args.substrate, num_envs=args.num_envs, obs="symbolic", seed=args.seed, workers=args.workers,
               max_steps=args.episode_steps, autoreset_mode="same_step")
    A, F, N, T = env.num_agents, env.agents_per_world, env.num_worlds, args.rollout
    net = Policy(len(env.action_names))
    obs, _ = env.reset()
    with torch.no_grad():
        net(torch.from_numpy(obs.copy()), torch.from_numpy(env.ready_to_shoot.copy()))  # sizes the lazy layer
    opt = torch.optim.Adam(net.parameters(), lr=args.lr, eps=1e-5)
    gamma, lam, clip, ent_coef, vf_coef, epochs, minibatches = 0.99, 0.95, 0.2, 0.01, 0.5, 2, 4

    buf_obs = torch.zeros((T, A, *obs.shape[1:]), dtype=torch.uint8)
    buf_ready = torch.zeros((T, A))
    buf_act = torch.zeros((T, A), dtype=torch.long)
    buf_logp = torch.zeros((T, A))
    buf_val = torch.zeros((T, A))
    buf_rew = torch.zeros((T, A))
    buf_done = torch.zeros((T, A))
    ep_ret = np.zeros(A)
    finished: list[tuple[int, float]] = []  # (agent-steps when the episode ended, per-capita return)
    agent_steps, updates = 0, 0
    deadline = time.perf_counter() + 60 * args.minutes
    t_train = time.perf_counter()
    env_time = 0.0
    next_obs = torch.from_numpy(obs.copy())
    next_ready = torch.from_numpy(env.ready_to_shoot.copy())
    while time.perf_counter() < deadline:
        for t in range(T):
            buf_obs[t] = next_obs
            buf_ready[t] = next_ready
            with torch.no_grad():
                logits, value = net(next_obs, next_ready)
                dist = torch.distributions.Categorical(logits=logits)
                action = dist.sample()
            buf_act[t], buf_logp[t], buf_val[t] = action, dist.log_prob(action), value
            t0 = time.perf_counter()
            obs, rew, term, trunc, infos = env.step(action.numpy())
            env_time += time.perf_counter() - t0
            done = term | trunc
            buf_rew[t] = torch.from_numpy(rew.copy())
            buf_done[t] = torch.from_numpy(done.astype(np.float32))
            ep_ret += rew
            agent_steps += A
            if done.any():
                for w in np.flatnonzero(done.reshape(N, F)[:, 0]):
                    finished.append((agent_steps, float(ep_ret[w * F : (w + 1) * F].mean())))
                ep_ret[done] = 0
            next_obs = torch.from_numpy(obs.copy())
            next_ready = torch.from_numpy(env.ready_to_shoot.copy())
        with torch.no_grad():
            _, next_val = net(next_obs, next_ready)
        adv = torch.zeros((T, A))
        last = torch.zeros(A)
        for t in reversed(range(T)):
            nv = next_val if t == T - 1 else buf_val[t + 1]
            nonterminal = 1.0 - buf_done[t]
            delta = buf_rew[t] + gamma * nv * nonterminal - buf_val[t]
            last = delta + gamma * lam * nonterminal * last
            adv[t] = last
        ret = adv + buf_val
        b_obs, b_ready = buf_obs.reshape(T * A, *obs.shape[1:]), buf_ready.reshape(-1)
        b_act, b_logp, b_adv, b_ret = buf_act.reshape(-1), buf_logp.reshape(-1), adv.reshape(-1), ret.reshape(-1)
        size = T * A
        for _ in range(epochs):
            perm = torch.randperm(size)
            for mb in perm.split(size // minibatches):
                logits, value = net(b_obs[mb], b_ready[mb])
                dist = torch.distributions.Categorical(logits=logits)
                ratio = (dist.log_prob(b_act[mb]) - b_logp[mb]).exp()
                a = b_adv[mb]
                a = (a - a.mean()) / (a.std() + 1e-8)
                pg = -torch.min(ratio * a, ratio.clamp(1 - clip, 1 + clip) * a).mean()
                loss = pg + vf_coef * ((value - b_ret[mb]) ** 2).mean() - ent_coef * dist.entropy().mean()
                opt.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(net.parameters(), 0.5)
                opt.step()
        updates += 1
        if updates % 5 == 0:
            recent = [r for _, r in finished[-N:]]
            el = time.perf_counter() - t_train
            print(f"{agent_steps / 1e6:.2f}M agent-steps, {agent_steps / el:.0f}/s (env {env_time / el:.0%} of the time), "
                  f"episodes {len(finished)}, recent per-capita return {np.mean(recent) if recent else float('nan'):.2f}", flush=True)

    # Evaluation: the trained policy (sampled actions) plays one episode in every world of a fresh batch.
    action_counts = np.zeros(len(env.action_names), np.int64)

    def trained(o: np.ndarray, ready: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            logits, _ = net(torch.from_numpy(o.copy()), torch.from_numpy(ready.copy()))
        a = torch.distributions.Categorical(logits=logits).sample().numpy()
        action_counts[:] += np.bincount(a, minlength=len(action_counts))
        return a

    action_names = env.action_names

    env.close()
    with make(args.substrate, num_envs=args.random_episodes, obs="symbolic", seed=10_000 + args.seed, max_steps=args.episode_steps) as ev:
        eval_returns, eval_parts = play_episodes(ev, trained, args.episode_steps)
    eval_mean, eval_ci = mean_ci(eval_returns)
    torch.save(net.state_dict(), out / "policy.pt")
    share = action_counts / max(1, action_counts.sum())
    print(f"trained policy's per-capita reward by fifth of the episode: {np.round(eval_parts, 2).tolist()} "
          f"(random: {np.round(random_parts, 2).tolist()})", flush=True)
    print("trained policy's actions in evaluation: " + ", ".join(f"{n} {p:.1%}" for n, p in zip(action_names, share)), flush=True)

    rows = []
    if finished:
        edges = np.linspace(0, agent_steps, args.points + 1)
        for lo, hi in zip(edges[:-1], edges[1:]):
            rs = [r for s, r in finished if lo < s <= hi]
            if rs:
                m, ci = mean_ci(rs)
                rows.append({"agent_steps_millions": hi / 1e6, "kind": "training", "episodes": len(rs), "return_mean": m, "return_ci95": ci})
    rows.append({"agent_steps_millions": agent_steps / 1e6, "kind": "evaluation", "episodes": len(eval_returns), "return_mean": eval_mean, "return_ci95": eval_ci})
    rows.append({"agent_steps_millions": 0.0, "kind": "random", "episodes": len(random_returns), "return_mean": rand_mean, "return_ci95": rand_ci})
    with open(out / "learning_curve.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    tr = [r for r in rows if r["kind"] == "training"]
    if tr:
        x = np.array([r["agent_steps_millions"] for r in tr])
        y = np.array([r["return_mean"] for r in tr])
        ci = np.nan_to_num(np.array([r["return_ci95"] for r in tr]))
        ax.plot(x, y, marker="o", label="IPPO population (training episodes)")
        ax.fill_between(x, y - ci, y + ci, alpha=0.25)
    ax.errorbar([agent_steps / 1e6], [eval_mean], yerr=[0 if math.isnan(eval_ci) else eval_ci], fmt="s", color="C2", capsize=4,
                label="trained policy, evaluation episodes")
    ax.axhline(rand_mean, color="C3", linestyle="--", label="random policy")
    if not math.isnan(rand_ci):
        ax.axhspan(rand_mean - rand_ci, rand_mean + rand_ci, color="C3", alpha=0.15)
    ax.set_xlabel("million agent-steps")
    ax.set_ylabel(f"per-capita episode return ({args.episode_steps} steps)")
    ax.set_title(f"IPPO on {args.substrate}: {args.num_envs} worlds × {F} agents, {args.minutes:g} min, 95 % CI")
    ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "learning_curve.png")
    el = time.perf_counter() - t_train
    print(f"trained {agent_steps / 1e6:.2f}M agent-steps in {el:.0f} s ({agent_steps / el:.0f}/s, env {env_time / el:.0%}); "
          f"evaluation return {eval_mean:.2f} ± {eval_ci:.2f} vs random {rand_mean:.2f} ± {rand_ci:.2f}; "
          f"wrote {out / 'learning_curve.csv'} and {out / 'learning_curve.png'}")


if __name__ == "__main__":
    main()
