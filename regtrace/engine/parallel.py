"""Independent pieces of work spread over the machine's cores.

NumPy lets go of the interpreter lock inside its loops over arrays, so threads that each
update their own chunk of a big vector run at the same time. Each piece must write only its
own part of the shared arrays; the caller combines per-piece results in piece order, so the
answer is the same whatever the number of threads. Pieces must not call BLAS (``np.dot``,
``@``): OpenBLAS starts threads of its own, which then fight these for the cores (a big run
took twice as long).
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable

MAX_THREADS = 8
"""More threads than this gain nothing on one vector: memory bandwidth is shared."""


def thread_count(pieces: int) -> int:
    """The threads worth starting for ``pieces`` pieces: one per core this process may use,
    at most :data:`MAX_THREADS` and at most one per piece."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS and Windows have no affinity call
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_THREADS, pieces))


def for_each_piece(pieces: int, work: Callable[[int], None]) -> None:
    """Call ``work(i)`` once for each ``i`` in ``range(pieces)``, spread over threads (the
    calling thread is one of them). The first exception stops the handing out of pieces
    and is raised here once the other threads have finished theirs."""
    threads = thread_count(pieces)
    if threads == 1:
        for index in range(pieces):
            work(index)
        return
    counter = itertools.count()  # next() on it is atomic under the interpreter lock
    failed: list[BaseException] = []

    def worker() -> None:
        for index in counter:
            if index >= pieces or failed:
                return
            try:
                work(index)
            except BaseException as exc:  # re-raised in the calling thread
                failed.append(exc)
                return

    helpers = [threading.Thread(target=worker, daemon=True) for _ in range(threads - 1)]
    for helper in helpers:
        helper.start()
    worker()  # Ctrl-C here is caught by the worker too, and raised below
    for helper in helpers:
        helper.join()
    if failed:
        raise failed[0]
