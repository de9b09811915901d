"""What a source path names: standard input, an S3 URL, or a local path.

A leaf module, so the readers (``_chunks``), the walks (``tree``, ``s3``) and the
dispatch between them (``files``) can all ask without importing each other.
"""

STDIN = "-"
S3_SCHEME = "s3://"


def is_s3_url(path: str) -> bool:
    """Whether ``path`` names an S3 object or prefix (read by :mod:`simulator.sources.s3`)."""
    return path.startswith(S3_SCHEME)
