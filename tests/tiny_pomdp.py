"""
A tiny partially observed episodic task whose policy gradient can be computed exactly by enumerating its
trajectories.

An episode starts in state 0 or 1 (each with probability 1/2), observed as such. Action 0 moves on to
state 2 (from 0) or 3 (from 1); these two share one observation, and the action that pays there is the
start's: action 0 in state 2, action 1 in state 3, which lead on to state 4 for a last step. Every other
action ends the episode. Episodes last one, two or three steps; a memoryless policy cannot tell states 2
and 3 apart, a recurrent one can, from the previous observation. ``ACTION_MASKS`` optionally forbids
action 1 in state 1.
"""

import gymnasium as gym
import numpy as np

from tests.tiny_mdp import TinyMDP

N_OBS = 4
# The observation of each state: states 2 and 3 look the same.
OBSERVATION = {0: 0, 1: 1, 2: 2, 3: 2, 4: 3}
# NEXT[s][a]: the next state, or None when the episode ends; REWARD[s][a]: the reward.
NEXT = {0: (2, None), 1: (3, None), 2: (4, None), 3: (None, 4), 4: (None, None)}
REWARD = {0: (1.0, 2.0), 1: (1.0, 0.5), 2: (4.0, 1.0), 3: (1.0, 4.0), 4: (3.0, 1.0)}
# Valid actions per state for the masked variant: in state 1 only action 0 is allowed.
ACTION_MASKS = {0: (True, True), 1: (True, False), 2: (True, True), 3: (True, True), 4: (True, True)}


class TinyPOMDP(TinyMDP):
    """The tiny POMDP as a Gymnasium env; with ``masked=True`` it has an ``action_masks()`` method."""

    observation_space = gym.spaces.Box(0.0, 1.0, (N_OBS,), dtype=np.float32)
    NEXT, REWARD, ACTION_MASKS = NEXT, REWARD, ACTION_MASKS

    def _obs(self) -> np.ndarray:
        return np.eye(N_OBS, dtype=np.float32)[OBSERVATION[self.state]]

    def _start(self) -> int:
        return int(self.np_random.integers(2))


def trajectories(masked: bool = False) -> list[tuple[float, list[int], list[int], list[float]]]:
    """Every possible trajectory as (probability of its start, states, actions, rewards)."""
    found = []

    def extend(states: list[int], actions: list[int], rewards: list[float]) -> None:
        state = states[-1]
        for action in (0, 1):
            if masked and not ACTION_MASKS[state][action]:
                continue
            next_state = NEXT[state][action]
            if next_state is None:
                found.append((0.5, states, [*actions, action], [*rewards, REWARD[state][action]]))
            else:
                extend([*states, next_state], [*actions, action], [*rewards, REWARD[state][action]])

    for start in (0, 1):
        extend([start], [], [])
    return found
