"""
A memory task: recall a cue seen a few steps before.

The first observation shows one of two cues, at random; then ``delay`` blank steps, then a query. The
action at the query that matches the cue earns 1, any other 0; the actions before it earn nothing. The
blank and query observations are the same whatever the cue, so a memoryless policy earns 1/2 on average
at best, and a recurrent one can earn 1. With ``masked=True`` the env has an ``action_masks()`` method:
only action 2 before the query, and actions 0 and 1 at the query.
"""

import gymnasium as gym
import numpy as np

# Observations: cue 0, cue 1, blank, query
N_OBS = 4


class CueRecall(gym.Env):
    """The memory task as a Gymnasium env (three actions)."""

    observation_space = gym.spaces.Box(0.0, 1.0, (N_OBS,), dtype=np.float32)
    action_space = gym.spaces.Discrete(3)

    def __init__(self, delay: int = 2, masked: bool = False):
        self.delay = delay
        self.masked = masked
        self.cue = 0
        self.t = 0

    def _obs(self) -> np.ndarray:
        symbol = self.cue if self.t == 0 else 3 if self.t == self.delay + 1 else 2
        return np.eye(N_OBS, dtype=np.float32)[symbol]

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.cue, self.t = int(self.np_random.integers(2)), 0
        return self._obs(), {}

    def step(self, action):
        action = int(action)
        if self.masked:
            assert self.action_masks()[action], f"invalid action {action} at step {self.t}"
        if self.t == self.delay + 1:
            return self._obs(), float(action == self.cue), True, False, {}
        self.t += 1
        return self._obs(), 0.0, False, False, {}

    def action_masks(self) -> np.ndarray:
        query = self.t == self.delay + 1
        return np.array([query, query, not query])
