"""specc from Python: for notebooks and orchestrators (Airflow, Dagster, Prefect) that want
the verdict and the figures as values, not as text to parse.

Loading a spec is linting it: `load_spec` / `load_spec_text` return a `LoadedSpec` with every
diagnostic as a value (`specc.diagnostics.Diagnostic`), errors or not. `check` runs a spec
over bound inputs with the options of `specc check` and returns its `RunResult`; asked to run
a spec with errors, it raises `InvalidSpecError`, which carries those diagnostics. Bad input
that is not a spec (a missing file, an unknown table, a column of the wrong type) raises
`UsageError`, the same message the CLI prints. Nothing here prints or exits. See docs/api.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic, SpecError, UsageError
from .progress import Progress
from .resolve import CheckedSpec, resolve_file
from .results import RunResult
from .source import SourceFile

__all__ = ["InvalidSpecError", "LoadedSpec", "check", "exit_code", "load_spec", "load_spec_text", "render_report",
           "to_json"]


class InvalidSpecError(SpecError):
    """A spec with errors was asked to run; `.diagnostics` holds them, `.render()` shows them
    as `specc lint` does."""

    def render(self) -> str:
        from .render import render_diagnostics

        return render_diagnostics(self.diagnostics, self.sources)


@dataclass(frozen=True)
class LoadedSpec:
    """A spec read and linted: `spec` is the checked spec, or None when it has errors."""

    path: str
    spec: CheckedSpec | None
    diagnostics: tuple[Diagnostic, ...]
    sources: Mapping[str, SourceFile]

    @property
    def ok(self) -> bool:
        """No errors (warnings allowed): the spec can run, and `specc lint` exits 0."""
        return self.spec is not None and not self.errors

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.is_error)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if not d.is_error)

    def render(self) -> str:
        """The diagnostics as `specc lint` prints them, with the one-line summary."""
        from .lint_formats import summary
        from .render import render_diagnostics

        listed = render_diagnostics(list(self.diagnostics), dict(self.sources))
        counted = summary(1, len(self.errors), len(self.warnings))
        return f"{listed}\n{counted}" if listed else counted

    def checked(self) -> CheckedSpec:
        """The checked spec, or `InvalidSpecError` with the errors."""
        if not self.ok:
            raise InvalidSpecError(list(self.errors), dict(self.sources))
        return self.spec


def load_spec(path: str | Path) -> LoadedSpec:
    """Read and lint the spec file at `path` (and what it imports)."""
    if not Path(path).is_file():
        raise UsageError("no such spec file", where=str(path))
    return _loaded(path, None)


def load_spec_text(text: str, path: str | Path = "<text>") -> LoadedSpec:
    """Lint a spec given as text; `path` names it in diagnostics, and its folder is where
    imports, `source` files and a `specc.yaml` are looked for (the working folder by default)."""
    return _loaded(path, text)


def _loaded(path: str | Path, text: str | None) -> LoadedSpec:
    try:
        spec, diagnostics, sources = resolve_file(path, text)
    except OSError as exc:
        raise UsageError(f"cannot read spec: {exc}", where=str(path)) from None
    return LoadedSpec(str(path), spec, tuple(diagnostics), sources)


DataArgument = str | Path | Mapping[str, "str | Path"] | list | tuple | None


def check(spec: LoadedSpec | CheckedSpec | str | Path, data: DataArgument = None, *, samples: int = 5,
          fail_on: str = "error", quarantine: str | Path | None = None, threads: int | None = None,
          memory_limit: str | None = None, progress: Progress | None = None,
          read: Mapping[str, str] | None = None, details: str = "summary", profile: bool = False) -> RunResult:
    """Run `spec` over a delivery and return the result, as `specc check` does.

    `data` binds the tables like `--data`: a folder holding one file per table, a mapping
    `{table: path}` (a path may name a reader: `"labelstudio:export.json"`), or a list of
    `--data` values; tables it leaves out come from the spec's `source` or `specc.yaml`.
    `samples`, `fail_on` ("error" | "warn"), `quarantine` (a folder for the clean and
    violating rows), `threads` and `memory_limit` are the CLI's options; `progress` is called
    with each `specc.progress.ProgressEvent`. `read` maps `SETTING` or `TABLE.SETTING` to a
    value, like `--read` (`{"delimiter": ";", "answers.null": "NA"}`); `details` ("summary" |
    "full") and `profile` are `--details` and `--profile`.
    """
    from .inputs import default_bindings, parse_data_arguments, parse_read_arguments
    from .runner import RunOptions, run

    if fail_on not in ("error", "warn"):
        raise UsageError(f"fail_on must be 'error' or 'warn', not {fail_on!r}")
    if samples < 0:
        raise UsageError(f"samples must be 0 or more, not {samples}")
    if details not in ("summary", "full"):
        raise UsageError(f"details must be 'summary' or 'full', not {details!r}")
    checked = _checked(spec)
    bindings = default_bindings(checked)
    bindings.update(parse_data_arguments(_data_arguments(data), checked))
    read_overrides = parse_read_arguments(tuple(f"{key}={value}" for key, value in (read or {}).items()), checked)
    options = RunOptions(samples=samples, threads=threads, memory_limit=memory_limit, fail_on=fail_on,
                         quarantine=Path(quarantine) if quarantine else None, progress=progress,
                         details=details, profile=profile)
    result, _ = run(checked, bindings, options, read_overrides)
    return result


def _checked(spec) -> CheckedSpec:
    if isinstance(spec, CheckedSpec):
        return spec
    if isinstance(spec, LoadedSpec):
        return spec.checked()
    return load_spec(spec).checked()


def _data_arguments(data: DataArgument) -> tuple[str, ...]:
    if data is None:
        return ()
    if isinstance(data, (str, Path)):
        return (str(data),)
    if isinstance(data, Mapping):
        return tuple(f"{table}={path}" for table, path in data.items())
    return tuple(str(value) for value in data)


def exit_code(result: RunResult) -> int:
    """The CLI's rule: 0 the gate passed, 1 it failed (with `fail_on="warn"`, a warning fails
    it too), 2 a check could not run, so the gate cannot vouch for the delivery."""
    return result.exit_code


def to_json(result: RunResult, with_timings: bool = True) -> str:
    """The report of `specc check --format json`: the versioned contract of docs/report.schema.json."""
    return render_report(result, "json", with_timings=with_timings)


def render_report(result: RunResult, fmt: str = "text", **options) -> str:
    """Any report `specc check` writes: text, json, junit, markdown, github or html."""
    from .report import FORMATS, render

    if fmt not in FORMATS:
        raise UsageError(f"unknown report format {fmt!r}; formats: {', '.join(FORMATS)}")
    return render(result, fmt, **options)
