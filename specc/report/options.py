"""What a caller may ask of a report beyond the result itself; each format reads what it needs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RenderOptions:
    color: bool = False  # ANSI colour in the text report; the CLI passes sys.stdout.isatty()
    spec_path_for_annotations: str | None = None  # the spec's path as GitHub should see it
    with_timings: bool = True  # the JSON report's `timings`; False for byte-stable output
    max_samples: int | None = None  # sample rows shown per check; None: all the engine fetched (--samples)
