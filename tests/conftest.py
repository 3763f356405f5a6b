"""Settings of the whole suite.

specc keeps the parser's tables and resolved specs in the user's cache folder
(specc/user_cache.py). The suite resolves thousands of specs from temporary folders, so it
gets a cache folder of its own for the session, removed at the end: a test run neither fills
the developer's cache nor reads entries a previous run or another checkout left there. The
variable is set in the environment, so the command lines the tests start use it too; the
cache's own tests point it at folders of theirs.
"""

from __future__ import annotations

import os
import shutil
import tempfile

_SESSION_CACHE: str | None = None


def pytest_configure(config):
    global _SESSION_CACHE
    _SESSION_CACHE = tempfile.mkdtemp(prefix="specc-test-cache-")
    os.environ["XDG_CACHE_HOME"] = _SESSION_CACHE


def pytest_unconfigure(config):
    if _SESSION_CACHE is not None:
        shutil.rmtree(_SESSION_CACHE, ignore_errors=True)
