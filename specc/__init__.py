"""specc: declarative, enforceable quality for annotation data.

The Python API (specc.api, docs/api.md) is importable from here: `specc.load_spec`,
`specc.check`, `specc.exit_code`, … Each name is imported on first use, so the command line
starts without loading what it does not need.
"""

__version__ = "0.1.0"

_API = ("InvalidSpecError", "LoadedSpec", "check", "exit_code", "load_spec", "load_spec_text", "render_report",
        "to_json")
_VALUES = {"Diagnostic": "diagnostics", "Severity": "diagnostics", "SpecError": "diagnostics",
           "UsageError": "diagnostics", "RunResult": "results", "CheckResult": "results",
           "ProgressEvent": "progress"}

__all__ = ["__version__", *_API, *_VALUES]


def __getattr__(name: str):
    from importlib import import_module

    if name in _API:
        return getattr(import_module("specc.api"), name)
    if name in _VALUES:
        return getattr(import_module(f"specc.{_VALUES[name]}"), name)
    raise AttributeError(f"module 'specc' has no attribute {name!r}")
