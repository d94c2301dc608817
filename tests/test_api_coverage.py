"""Which of PyTensor's public names scanjit has: every one is either
implemented or listed in NOT_YET (of `scanjit`, `scanjit.tensor`,
`scanjit.tensor.random`), where reading it raises NotSupportedYet, a
NotImplementedError naming it (an AttributeError too, for `hasattr`)."""

import importlib.util

import pytest

import scanjit
import scanjit.tensor as pt
from scanjit import NotSupportedYet

MODULES = [("pytensor", scanjit), ("pytensor.tensor", pt), ("pytensor.tensor.random", pt.random),
           ("pytensor.tensor.linalg", pt.linalg), ("pytensor.tensor.nlinalg", pt.nlinalg),
           ("pytensor.tensor.slinalg", pt.slinalg)]
PYTHON_IMPORTS = {"Sequence", "TYPE_CHECKING", "Union", "singledispatch"}  # PyTensor's, not API


@pytest.mark.parametrize("name, module", MODULES)
def test_a_name_not_supported_yet_raises_not_implemented_naming_it(name, module):
    for missing, why in module.NOT_YET.items():
        with pytest.raises(NotImplementedError, match=f"{name}.{missing} yet") as info:
            getattr(module, missing)
        assert isinstance(info.value, NotSupportedYet) and isinstance(info.value, AttributeError)
        assert why in str(info.value)
        assert not hasattr(module, missing)
        assert getattr(module, missing, None) is None


@pytest.mark.parametrize("name, module", MODULES)
def test_other_missing_names_are_attribute_errors(name, module):
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'") as info:
        module.no_such_name
    assert not isinstance(info.value, NotImplementedError)


def is_submodule(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # of a module that is not a package
        return False


@pytest.mark.parametrize("name, module", MODULES)
def test_every_public_name_of_pytensor_is_implemented_or_listed(name, module):
    theirs = pytest.importorskip(name)
    public = {n for n in dir(theirs) if not n.startswith("_")} - PYTHON_IMPORTS
    implemented = {n for n in public if hasattr(module, n)}
    # PyTensor's submodules show in dir() once imported (by other tests too)
    lazy = {n for n in module.NOT_YET if n not in public and is_submodule(f"{name}.{n}")}
    assert public - implemented == set(module.NOT_YET) - lazy, "update NOT_YET"
