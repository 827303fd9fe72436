"""Give memory the app no longer uses back to the system.

A run that computes (a cache miss on a large company: a month's report, the deck) allocates
and frees hundreds of megabytes in C: DuckDB's results, Python's arenas. The C library keeps
what was freed for later, one pool per thread, and Streamlit runs every session's script on a
thread of its own, so a burst of sessions leaves many pools holding freed memory: the process
grew to about 320 MB after bursts on the large company while what the caches hold is a tenth
of that. `trim` asks the C library to hand back what it keeps free (glibc's `malloc_trim`,
some milliseconds); elsewhere it does nothing.
"""

from __future__ import annotations

import ctypes
import functools


@functools.cache
def _libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL("libc.so.6")  # glibc: Linux; other systems keep their own ways
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") else None


def trim() -> None:
    """Hand the memory the C library keeps free back to the system (glibc only)."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
