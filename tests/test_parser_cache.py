"""The parser's tables are cached in a folder only the user can write, and a cache another
user could have planted is never read."""

import os
import subprocess
import sys

from specc.parse import _table_cache


def test_the_cache_lives_in_the_users_own_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert _table_cache() == str(tmp_path / "specc" / "grammar-tables.pickle")
    assert (tmp_path / "specc").stat().st_mode & 0o777 == 0o700


def test_a_folder_others_can_write_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    (tmp_path / "specc").mkdir(mode=0o777)
    os.chmod(tmp_path / "specc", 0o777)
    assert _table_cache() is None


def test_a_cached_parser_keeps_comments_and_a_broken_cache_is_rebuilt(tmp_path):
    spec = tmp_path / "s.aspec"
    spec.write_text("# kept\nspec s\n\ntable t {\n  a  string  # also kept\n}\n", encoding="utf-8")
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    runs = []
    for damage in (None, b"not a pickle\n"):  # a first run writes the cache, the second reads it
        if damage is not None:
            (tmp_path / "cache" / "specc" / "grammar-tables.pickle").write_bytes(damage)
        for _ in range(2):
            runs.append(subprocess.run([sys.executable, "-c", "from specc.cli import main; main()", "fmt", str(spec), "--check"],
                                       env=environment, capture_output=True, text=True))
    assert [run.returncode for run in runs] == [0, 0, 0, 0], [run.stderr for run in runs]
    assert (tmp_path / "cache" / "specc" / "grammar-tables.pickle").stat().st_size > 10_000
