"""specc's cache folder, $XDG_CACHE_HOME/specc or ~/.cache/specc, which only this user may write.

What specc keeps there is read back as a pickle (the parser's tables, resolved specs), and a
pickle someone else planted would run their code: the folder is created mode 0700 and is not
used when another user owns it or group or others may write to it. Never the shared temporary
folder. `SPECC_NO_CACHE=1` turns every cache off: each run then builds what it needs.
"""

from __future__ import annotations

import os


def private_folder(*parts: str) -> str | None:
    """The folder (created if needed), or None when there is none this user alone can write."""
    if os.environ.get("SPECC_NO_CACHE", "") not in ("", "0"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "specc", *parts)
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        for checked in {os.path.join(base, "specc"), folder}:
            status = os.stat(checked)
            if status.st_uid != os.getuid() or status.st_mode & 0o022:
                return None
    except OSError:
        return None
    return folder
