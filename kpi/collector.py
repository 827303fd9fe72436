"""How this program's processes set Python's garbage collector: one home for the app, the
command line and the benchmark, which measures what they run.

This describes the generational collector of CPython 3.11-3.13 (3.14's incremental collector
takes other thresholds). It looks at the youngest objects every 700 new container objects and
moves every survivor a generation up; once the survivors make up a quarter of the oldest
generation, a full collection walks all of it. Building a large company's month report makes
some 200,000 objects that live until the report is done (its month values, their points and
rows), so at 700 most of them survive a young collection only because the build is still
running, climb to the oldest generation, and set off full collections over the app's caches,
each on some person's click. A young collection every `YOUNG` new objects finds most of them
already gone. Garbage without cycles is freed at once as before (reference counting); cyclic
garbage waits for at most `YOUNG` more objects. What it saved, measured, is in the README
(*The collector set for a server*).
"""

from __future__ import annotations

import gc

YOUNG = 10_000
"""New container objects between two collections of the youngest generation (Python's default
700). 5,000 kept half of the gain, 25,000 and 100,000 no more than this."""


def tune() -> None:
    """Collect the youngest generation every `YOUNG` new objects; the older generations'
    thresholds stay Python's."""
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG, middle, old)
