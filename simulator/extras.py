"""Optional dependencies: import them on use, or say which extra installs them.

Scaling out (Dask) and reading S3 need heavy packages most users never want, so they
are extras (``pip install 'cwpattern[dask]'``, ``'cwpattern[s3]'``) imported only by
the code that needs them.  When one is missing, :class:`MissingExtraError` names the
feature and the command that installs it, instead of a bare ``ModuleNotFoundError``.
"""

from __future__ import annotations

import importlib
from types import ModuleType


class MissingExtraError(ImportError):
    """An optional dependency is not installed; the message says how to install it."""

    def __init__(self, feature: str, extra: str, module: str) -> None:
        super().__init__(f"{feature} needs the {extra!r} extra ({module} is not installed): "
                         f"pip install 'cwpattern[{extra}]'", name=module)
        self.extra = extra


def import_extra(module: str, *, extra: str, feature: str) -> ModuleType:
    """Import ``module``, or raise :class:`MissingExtraError` naming ``extra``."""
    try:
        return importlib.import_module(module)
    except ImportError as error:  # the module itself, or one it needs (the extra brings both)
        raise MissingExtraError(feature, extra, error.name or module) from None
