"""What each framework does with ``weight_decay``, read from the frameworks' own source.

Every rule below names the file it comes from. The optimizer arithmetic in
:mod:`regtrace.engine.optimizers` follows these tables; nothing here is guessed.

PyTorch (torch 2.13.0, ``torch/optim/sgd.py`` ``_single_tensor_sgd``,
``torch/optim/adam.py`` ``_single_tensor_adam``, ``torch/optim/adamw.py``):

- ``SGD(weight_decay=wd)`` and ``Adam(weight_decay=wd)`` add ``wd*w`` to the gradient
  (``grad = grad.add(param, alpha=weight_decay)``): coupled, i.e. the ``lam/2*||w||^2`` form.
- ``AdamW`` is ``Adam(decoupled_weight_decay=True)``: ``param.mul_(1 - lr*weight_decay)``
  before the moments are updated; default ``weight_decay=1e-2``.
- SGD momentum: the first step sets ``buf = grad`` (a clone: no dampening), later steps
  ``buf = momentum*buf + (1 - dampening)*grad``; Nesterov uses ``grad + momentum*buf``.
- Adam: ``m = lerp(m, g, 1 - b1)``, ``v = b2*v + (1 - b2)*g*g``,
  ``denom = sqrt(v)/sqrt(1 - b2^t) + eps``, ``w -= lr/(1 - b1^t) * m/denom``; ``eps=1e-8``.

Keras 3 (``keras/src/optimizers/base_optimizer.py`` ``_apply_weight_decay``, ``sgd.py``,
``adam.py``, ``adamw.py``):

- ``weight_decay`` on ANY optimizer is decoupled: ``variable - variable*wd*lr``, applied by
  the base optimizer before ``update_step``. Coupled L2 in Keras is a layer regularizer,
  ``keras/src/regularizers/regularizers.py`` ``L2``: ``l2 * sum(square(x))``, i.e. the
  ``lam*||w||^2`` form with gradient ``2*l2*w``.
- SGD momentum keeps a velocity: ``v = momentum*v - lr*g``, ``w += v`` (Nesterov:
  ``w += momentum*v - lr*g``); there is no dampening.
- Adam: ``alpha = lr*sqrt(1 - b2^t)/(1 - b1^t)``, ``w -= m*alpha/(sqrt(v) + eps)``: ``eps``
  is the paper's "epsilon hat", added to ``sqrt(v)`` before bias correction; ``eps=1e-7``.
- ``AdamW`` is ``Adam`` with ``weight_decay=0.004`` by default.

optax (``optax/_src/alias.py`` ``sgd``/``adam``/``adamw``, ``optax/_src/transform.py``
``scale_by_adam``, ``optax/transforms/_accumulation.py`` ``trace``,
``optax/transforms/_adding.py`` ``add_decayed_weights``):

- ``add_decayed_weights(wd)`` adds ``wd*w`` to the update. Chained BEFORE an optimizer it is
  coupled L2 (``optax.chain(optax.add_decayed_weights(wd), optax.adam(lr))``); ``adamw``
  chains it AFTER ``scale_by_adam`` and before ``scale_by_learning_rate``, so the decay is
  ``-lr*wd*w``: decoupled, multiplied by lr. ``adamw`` default ``weight_decay=1e-4``.
- ``sgd`` with momentum is ``trace``: ``t = g + momentum*t`` from ``t = 0`` (so the first
  step is ``g``, no dampening); Nesterov returns ``g + momentum*t``.
- ``scale_by_adam``: ``mu = (1-b1)*g + b1*mu``, ``mu_hat = mu/(1 - b1^t)``, likewise ``nu``,
  update ``mu_hat/(sqrt(nu_hat + eps_root) + eps)`` with ``eps=1e-8``, ``eps_root=0``.

RMSprop, Adagrad and AMSGrad (the same three frameworks; weight decay as above: coupled in
torch and optax, decoupled in Keras):

- torch/optim/rmsprop.py ``_single_tensor_rmsprop``: ``square_avg = alpha*square_avg +
  (1-alpha)*g*g`` from 0; centered: ``grad_avg = lerp(grad_avg, g, 1-alpha)`` and
  ``avg = sqrt(square_avg - grad_avg^2) + eps``, else ``sqrt(square_avg) + eps`` (eps OUTSIDE
  the root); momentum: ``buf = momentum*buf + g/avg`` from 0, ``w -= lr*buf``; defaults
  ``alpha=0.99``, ``eps=1e-8``.
- keras/src/optimizers/rmsprop.py: ``velocity = rho*velocity + (1-rho)*g^2``; centered keeps
  ``average_gradient`` likewise and divides by ``sqrt(velocity - average_gradient^2 + eps)``,
  else ``sqrt(velocity + eps)`` (eps INSIDE the root); ``increment = lr*g/sqrt(...)``;
  momentum: ``momentum = momentum*momentum + increment``, ``w -= momentum``; defaults
  ``rho=0.9``, ``epsilon=1e-7``.
- optax/_src/alias.py ``rmsprop``: ``chain(scale_by_rms | scale_by_stddev,
  scale_by_learning_rate, trace(momentum))``; optax/_src/transform.py ``scale_by_rms``:
  ``nu = (1-decay)*g^2 + decay*nu``, ``g*rsqrt(nu + eps)`` (inside), ``scale_by_stddev``:
  ``g*rsqrt(nu - mu^2 + eps)``; the trace runs AFTER the learning rate, so it holds ``-lr``
  times the update; defaults ``decay=0.9``, ``eps=1e-8``.
- torch/optim/adagrad.py ``_single_tensor_adagrad``: ``clr = lr/(1 + (t-1)*lr_decay)``,
  ``sum += g*g`` from ``initial_accumulator_value`` (default 0), ``std = sqrt(sum) + eps``
  (eps 1e-10, outside), ``w -= clr*g/std``.
- keras/src/optimizers/adagrad.py: ``accumulator += g^2`` from 0.1, ``w -= lr*g/sqrt(
  accumulator + epsilon)`` (eps 1e-7, inside); no ``lr_decay``.
- optax/_src/transform.py ``scale_by_rss`` (alias.py ``adagrad``): ``sum_of_squares += g^2``
  from 0.1, ``g*rsqrt(sum_of_squares + eps)`` where the sum is above 0, else 0 (eps 1e-7).
- AMSGrad. torch/optim/adam.py ``amsgrad=True``: ``max_exp_avg_sq = max(max_exp_avg_sq, v)``
  (the raw ``v``), ``denom = sqrt(max_exp_avg_sq)/sqrt(1 - b2^t) + eps``. Keras adam.py
  ``amsgrad=True``: ``velocity_hat = max(velocity_hat, v)`` (raw ``v``), used in place of
  ``v``. optax transform.py ``scale_by_amsgrad`` (alias ``amsgrad``): ``nu_max =
  max(nu_max, nu_hat)``: the max of the BIAS-CORRECTED ``nu_hat``.
"""

from __future__ import annotations

from enum import StrEnum


class Convention(StrEnum):
    """Whose update order and defaults to follow (``--convention``)."""

    TORCH = "torch"
    KERAS = "keras"
    OPTAX = "optax"

    @property
    def label(self) -> str:
        """The framework's name as people write it."""
        return {"torch": "PyTorch", "keras": "Keras", "optax": "optax"}[self.value]


class OptimizerKind(StrEnum):
    """The optimizers regtrace traces (``--optimizer``)."""

    SGD = "sgd"
    MOMENTUM = "momentum"
    NESTEROV = "nesterov"
    ADAM = "adam"
    ADAMW = "adamw"
    RMSPROP = "rmsprop"
    ADAGRAD = "adagrad"

    @property
    def label(self) -> str:
        """Short name for tables: ``SGD``, ``Momentum``, ``Adam``, ``RMSprop``, ..."""
        return {
            "sgd": "SGD",
            "momentum": "Momentum",
            "nesterov": "Nesterov",
            "adam": "Adam",
            "adamw": "AdamW",
            "rmsprop": "RMSprop",
            "adagrad": "Adagrad",
        }[self.value]

    @property
    def adaptive(self) -> bool:
        """Adam and AdamW keep the moments ``m`` and ``v``."""
        return self in (OptimizerKind.ADAM, OptimizerKind.ADAMW)

    @property
    def has_momentum(self) -> bool:
        """Momentum and Nesterov keep a momentum buffer."""
        return self in (OptimizerKind.MOMENTUM, OptimizerKind.NESTEROV)


class DecayMode(StrEnum):
    """How ``weight_decay`` reaches the weights."""

    NONE = "none"
    COUPLED = "coupled"
    DECOUPLED = "decoupled"

    @property
    def formula(self) -> str:
        """The rule in words, as the trace prints it."""
        return {
            "none": "no weight decay",
            "coupled": "coupled L2: wd*w added to the gradient before the optimizer",
            "decoupled": "decoupled: w <- w*(1 - lr*wd), outside the optimizer's moments",
        }[self.value]


def decay_mode(kind: OptimizerKind, convention: Convention) -> DecayMode:
    """Whether a nonzero ``weight_decay`` is coupled or decoupled (module docstring's rules)."""
    if convention is Convention.KERAS:
        # keras/src/optimizers/base_optimizer.py: _apply_weight_decay for every optimizer.
        return DecayMode.DECOUPLED
    if kind is OptimizerKind.ADAMW:
        # torch/optim/adamw.py (decoupled_weight_decay=True); optax/_src/alias.py adamw.
        return DecayMode.DECOUPLED
    # torch/optim/sgd.py, adam.py: grad.add(param, alpha=weight_decay);
    # optax: chain(add_decayed_weights(wd), <optimizer>) puts wd*w into the gradient.
    return DecayMode.COUPLED


DEFAULT_EPS: dict[Convention, float] = {
    Convention.TORCH: 1e-8,  # torch/optim/adam.py, adamw.py: eps=1e-8
    Convention.KERAS: 1e-7,  # keras/src/optimizers/adam.py, adamw.py: epsilon=1e-7
    Convention.OPTAX: 1e-8,  # optax/_src/alias.py adam/adamw: eps=1e-8
}
DEFAULT_RMSPROP_EPS: dict[Convention, float] = {
    Convention.TORCH: 1e-8,  # torch/optim/rmsprop.py: eps=1e-8
    Convention.KERAS: 1e-7,  # keras/src/optimizers/rmsprop.py: epsilon=1e-7
    Convention.OPTAX: 1e-8,  # optax/_src/alias.py rmsprop: eps=1e-8
}
DEFAULT_RHO: dict[Convention, float] = {
    Convention.TORCH: 0.99,  # torch/optim/rmsprop.py: alpha=0.99
    Convention.KERAS: 0.9,  # keras/src/optimizers/rmsprop.py: rho=0.9
    Convention.OPTAX: 0.9,  # optax/_src/alias.py rmsprop: decay=0.9
}
DEFAULT_ADAGRAD_EPS: dict[Convention, float] = {
    Convention.TORCH: 1e-10,  # torch/optim/adagrad.py: eps=1e-10
    Convention.KERAS: 1e-7,  # keras/src/optimizers/adagrad.py: epsilon=1e-7
    Convention.OPTAX: 1e-7,  # optax/_src/alias.py adagrad: eps=1e-7
}
DEFAULT_ACCUMULATOR: dict[Convention, float] = {
    Convention.TORCH: 0.0,  # torch/optim/adagrad.py: initial_accumulator_value=0
    Convention.KERAS: 0.1,  # keras/src/optimizers/adagrad.py: initial_accumulator_value=0.1
    Convention.OPTAX: 0.1,  # optax/_src/alias.py adagrad: initial_accumulator_value=0.1
}
DEFAULT_ADAMW_DECAY: dict[Convention, float] = {
    Convention.TORCH: 1e-2,  # torch/optim/adamw.py: weight_decay=1e-2
    Convention.KERAS: 4e-3,  # keras/src/optimizers/adamw.py: weight_decay=0.004
    Convention.OPTAX: 1e-4,  # optax/_src/alias.py adamw: weight_decay=1e-4
}
DEFAULT_BETA1 = 0.9  # the same in all three (torch betas=(0.9, 0.999), keras, optax b1/b2)
DEFAULT_BETA2 = 0.999
DEFAULT_MOMENTUM = 0.9
"""regtrace's own default for ``--optimizer momentum|nesterov``: every framework defaults to
0 (torch ``momentum=0``, keras ``momentum=0.0``, optax ``momentum=None``), which is plain SGD."""
