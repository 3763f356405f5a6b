"""Reports: one `RunResult`, rendered for a terminal, a tool, a CI system or a pull request.

Every format is a module with `render(result, options) -> str`, imported only when asked for,
so adding a format is one module and one line in `FORMATS`. No format queries the data again:
all they know is in the `RunResult`. Rendering is pure: the same result and options always
give the same text.
"""

from __future__ import annotations

from importlib import import_module

from ..results import RunResult
from .options import RenderOptions

FORMATS: dict[str, str] = {
    "text": "specc.report.text",
    "json": "specc.report.json_report",
    "junit": "specc.report.junit",
    "markdown": "specc.report.markdown",
    "github": "specc.report.github",
    "html": "specc.report.html",
}


def renderer(fmt: str):
    """The `render` function of format `fmt`; ValueError naming the known formats otherwise."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return import_module(FORMATS[fmt]).render


def render(result: RunResult, fmt: str, *, color: bool = False, spec_path_for_annotations: str | None = None,
           with_timings: bool = True, max_samples: int | None = None) -> str:
    options = RenderOptions(color=color, spec_path_for_annotations=spec_path_for_annotations,
                            with_timings=with_timings, max_samples=max_samples)
    return renderer(fmt)(result, options)


__all__ = ["FORMATS", "RenderOptions", "render", "renderer"]
