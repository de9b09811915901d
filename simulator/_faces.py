"""Public faces that import on first use (PEP 562).

Each subsystem's ``__init__`` names its public face here instead of importing it: a
worker process that only scores events imports ``simulator.replay.scoring`` and must
not pay for the alarm grammars or the deploy loaders that other names of the same
package would pull in.  ``lazy_face`` returns the ``__all__``, ``__getattr__`` and
``__dir__`` a package module needs.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_face(
    package: str, exports: Mapping[str, tuple[str, ...]]
) -> tuple[list[str], Callable[[str], Any], Callable[[], list[str]]]:
    """``exports`` maps a module to the names it gives the package ``package``."""
    home = {name: module for module, names in exports.items() for name in names}
    public = sorted(home)

    def __getattr__(name: str) -> Any:
        if name not in home:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home[name]), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *public})

    return public, __getattr__, __dir__
