"""The files a list of sources names: local files and trees, S3 objects and prefixes.

This is the one place that dispatches between the local walk (:mod:`simulator.sources.tree`)
and S3 (:mod:`simulator.sources.s3`, imported only for ``s3://`` sources).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from simulator.events import Report
from simulator.sources._paths import STDIN, is_s3_url
from simulator.sources.tree import Lister, PathFilter, layout_position, walk

_LOCAL = Lister()


def iter_log_files(path: str, path_filter: PathFilter, report: Report) -> Iterator[str]:
    """The files to read for ``path``: itself if it is a file, else its log files."""
    if is_s3_url(path):
        from simulator.sources.s3 import iter_s3_log_files

        yield from iter_s3_log_files(path, path_filter, report)
        return
    if path == STDIN or not os.path.isdir(path):
        yield path
        return
    components = os.path.abspath(path).split(os.sep)
    yield from walk(path, layout_position(components), path_filter, report, _LOCAL)


def iter_source_files(sources: Iterable[str], path_filter: PathFilter,
                      report: Report) -> Iterator[str]:
    """The files to read for several sources, in order (see :func:`iter_log_files`)."""
    for source in sources:
        yield from iter_log_files(source, path_filter, report)
