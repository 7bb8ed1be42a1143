"""The public API's call sites are clear: type hints everywhere, and settings by name.

Every public function, class and method of lmvis (found as the sweep finds them) has type hints
on its parameters and its result. One that takes more than four parameters takes at most four
by position: the rest (sizes, rates, counts, seeds, flags) are keyword-only, so that a call
like ``fit_numpy(..., 64, 200, 15)`` cannot be written. A few take more by position because
they are the data the function works on, each named below with the reason.
"""

import inspect

import pytest
from test_sweep import _parameters, _public_callables

#: callable -> why its positional parameters beyond the fourth are fine
MORE_POSITIONAL = {
    "lmvis.training.fit": "model, loss, optimizer and the two loaders it trains with",
    "lmvis.training.fit_numpy": "network, loss, optimizer and the four arrays it trains on",
    "lmvis.training.train_epoch_numpy": "network, loss, optimizer and the two arrays",
    "lmvis.viz.classification.plot_decision_boundary": "the grid (xx, yy, probs) and the points "
                                                       "(X, y), as decision_grid returns them",
    "lmvis.datasets.milestones.Milestone": "a row of the literal table MILESTONES, in its "
                                           "column order",
    "lmvis.gpt.GPTConfig": "the five sizes of a GPT, GPTConfig(vocab_size, context, d_model, "
                           "n_layers, n_heads), the interface other tools call; the rest are "
                           "keyword-only",
}

CALLABLES = _public_callables()


@pytest.mark.parametrize("qualname", sorted(CALLABLES))
def test_public_api_has_type_hints(qualname):
    obj = CALLABLES[qualname]
    target = obj.__init__ if inspect.isclass(obj) else obj
    if inspect.isclass(obj) and target is object.__init__:
        return
    sig = inspect.signature(target)
    missing = [n for n, p in sig.parameters.items()
               if n not in ("self", "cls") and p.annotation is inspect.Parameter.empty]
    assert not missing, f"{qualname}: parameters without a type hint: {missing}"
    if not inspect.isclass(obj):
        assert sig.return_annotation is not inspect.Signature.empty, \
            f"{qualname}: no type hint for the result"


@pytest.mark.parametrize("qualname", sorted(CALLABLES))
def test_more_than_four_parameters_means_keyword_only_settings(qualname):
    obj = CALLABLES[qualname]
    params = [p for n, p in inspect.signature(obj).parameters.items() if n in _parameters(obj)
              and n not in ("self", "cls")]
    positional = [p.name for p in params
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(params) > 4 and len(positional) > 4:
        assert qualname in MORE_POSITIONAL, (
            f"{qualname} takes {len(positional)} parameters by position ({positional}); make "
            f"the settings keyword-only (def f(a, b, *, c=...)) or say why in MORE_POSITIONAL")


def test_the_exceptions_are_still_needed():
    for qualname in MORE_POSITIONAL:
        assert qualname in CALLABLES, f"{qualname} no longer exists"
