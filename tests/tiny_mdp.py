"""
A tiny episodic MDP whose policy gradient can be computed exactly by enumerating its trajectories.

Five states in three layers, observed one-hot, two actions, deterministic transitions; episodes last
two or three steps. ``ACTION_MASKS`` optionally forbids some actions (for masked policies).
"""

import itertools

import gymnasium as gym
import numpy as np
import torch as th

N_STATES = 5
# NEXT[s][a]: the next state, or None when the episode ends; REWARD[s][a]: the reward.
NEXT = {0: (1, 2), 1: (None, 3), 2: (3, 4), 3: (None, None), 4: (None, None)}
REWARD = {0: (3.0, 4.0), 1: (5.0, 3.0), 2: (3.0, 4.0), 3: (6.0, 3.0), 4: (3.0, 5.0)}
# Valid actions per state for the masked variant: in state 2 only action 1 is allowed.
ACTION_MASKS = {0: (True, True), 1: (True, True), 2: (False, True), 3: (True, True), 4: (True, True)}


class TinyMDP(gym.Env):
    """The tiny MDP as a Gymnasium env; with ``masked=True`` it has an ``action_masks()`` method."""

    observation_space = gym.spaces.Box(0.0, 1.0, (N_STATES,), dtype=np.float32)
    action_space = gym.spaces.Discrete(2)
    # The task's tables (a subclass gives its own)
    NEXT, REWARD, ACTION_MASKS = NEXT, REWARD, ACTION_MASKS

    def __init__(self, masked: bool = False):
        self.masked = masked
        self.state = 0

    def _obs(self) -> np.ndarray:
        return np.eye(N_STATES, dtype=np.float32)[self.state]

    def _start(self) -> int:
        return 0

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.state = self._start()
        return self._obs(), {}

    def step(self, action):
        action = int(action)
        if self.masked:
            assert self.ACTION_MASKS[self.state][action], f"invalid action {action} in state {self.state}"
        reward = self.REWARD[self.state][action]
        next_state = self.NEXT[self.state][action]
        if next_state is None:
            return self._obs(), reward, True, False, {}
        self.state = next_state
        return self._obs(), reward, False, False, {}

    def action_masks(self) -> np.ndarray:
        return np.array(self.ACTION_MASKS[self.state])


def trajectories(masked: bool = False) -> list[tuple[list[int], list[int], list[float]]]:
    """Every possible trajectory as (states, actions, rewards)."""
    found = []
    for actions in itertools.product((0, 1), repeat=3):
        states, taken, rewards, state = [], [], [], 0
        for action in actions:
            if masked and not ACTION_MASKS[state][action]:
                break
            states.append(state)
            taken.append(action)
            rewards.append(REWARD[state][action])
            state = NEXT[state][action]
            if state is None:
                found.append((states, taken, rewards))
                break
    return list({(tuple(s), tuple(a), tuple(r)): (s, a, r) for s, a, r in found}.values())


def reward_to_go(rewards: list[float], gamma: float) -> list[float]:
    returns, running = [], 0.0
    for reward in reversed(rewards):
        running = reward + gamma * running
        returns.append(running)
    return returns[::-1]


def expected_estimator(log_prob_table: th.Tensor, gamma: float, weight: str, masked: bool = False) -> th.Tensor:
    """
    Exact expectation of ``sum_t log pi(a_t|s_t) * Psi_t`` over one episode, as a differentiable surrogate
    whose gradient is the estimator's expectation.

    :param log_prob_table: ``(N_STATES, 2)`` log-probabilities of the policy, differentiable
    :param weight: ``"R"`` (whole return), ``"G"`` (reward-to-go) or ``"gG"`` (``gamma^t G_t``)
    """
    surrogate = th.zeros(())
    for states, actions, rewards in trajectories(masked):
        log_probs = log_prob_table[states, actions]
        probability = th.exp(log_probs.sum()).detach()  # log-probabilities are summed, never multiplied
        g = reward_to_go(rewards, gamma)
        if weight == "R":
            psi = [g[0]] * len(g)
        elif weight == "G":
            psi = g
        else:
            psi = [gamma**t * g_t for t, g_t in enumerate(g)]
        surrogate = surrogate + probability * (log_probs * th.tensor(psi)).sum()
    return surrogate


def state_values(log_prob_table: th.Tensor, gamma: float, masked: bool = False) -> np.ndarray:
    """Exact ``V(s) = E[G_t | s_t = s]`` of the policy, by enumeration."""
    probs = th.exp(log_prob_table).detach().numpy()
    values = np.zeros(N_STATES)
    for state in (4, 3, 2, 1, 0):
        for action in (0, 1):
            if masked and not ACTION_MASKS[state][action]:
                continue
            next_state = NEXT[state][action]
            future = 0.0 if next_state is None else values[next_state]
            values[state] += probs[state, action] * (REWARD[state][action] + gamma * future)
    return values
