"""Sampling the actions of a rollout step, and which policy classes the actor's shortcuts are for."""

import torch as th
from stable_baselines3.common.distributions import CategoricalDistribution, DiagGaussianDistribution
from stable_baselines3.common.policies import ActorCriticPolicy, BasePolicy


def sample_actions(policy: ActorCriticPolicy, obs: th.Tensor) -> th.Tensor:
    """
    Sample actions from the policy, distributed exactly as the actions of its ``forward`` (what SB3's
    rollouts call).

    For Categorical and diagonal Gaussian policies it samples from the action network's output
    directly, without building a ``torch.distributions`` object (whose construction, argument
    validation and ``multinomial`` call cost more than the network's forward pass on small batches);
    other distributions (MultiCategorical, Bernoulli, gSDE, squashed) go through
    ``get_distribution(obs).get_actions()``, which samples as ``forward`` does without computing the
    values. A policy class that changes how its actor is computed (:func:`overrides_actor`) is sampled through
    its ``forward``.

    :param policy: the policy
    :param obs: the observations, as a tensor (batch first)
    :return: the sampled actions
    """
    if overrides_actor(policy):
        return policy(obs)[0]
    if type(policy.action_dist) not in (CategoricalDistribution, DiagGaussianDistribution):
        return policy.get_distribution(obs).get_actions()
    # The actor's features, as get_distribution computes them, whether or not the critic shares the extractor.
    features = super(ActorCriticPolicy, policy).extract_features(obs, policy.pi_features_extractor)
    output = policy.action_net(policy.mlp_extractor.forward_actor(features))
    if isinstance(policy.action_dist, CategoricalDistribution):
        # Gumbel-max: argmax_i (logit_i + Gumbel noise_i) ~ softmax(logits), and -log(E) is Gumbel for E ~ Exp(1).
        return th.argmax(output - th.log(th.empty_like(output).exponential_()), dim=-1)
    return output + th.exp(policy.log_std) * th.randn_like(output)


def overrides_actor(policy: BasePolicy, base: type[BasePolicy] = ActorCriticPolicy) -> bool:
    """
    Whether the policy's class changes how its actor's distribution is computed, relative to the class ``base``
    of its algorithm: its ``forward``, its features (``extract_features``, which ``get_distribution`` bypasses),
    its distribution, or its ``evaluate_actions``. Such a policy is sampled through its ``forward`` and trained
    through its ``evaluate_actions``, as SB3's algorithms do; the shortcuts are for the policies as ``base``
    defines them.

    :param policy: the policy
    :param base: the policy class of its algorithm (``policy_base``)
    :return: whether the policy's class overrides any of these methods of ``base``
    """
    return any(
        getattr(type(policy), name) is not getattr(base, name)
        for name in ("forward", "extract_features", "get_distribution", "_get_action_dist_from_latent", "evaluate_actions")
    )
