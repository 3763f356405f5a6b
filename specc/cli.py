"""The `specc` command line: the only module that prints diagnostics or chooses exit codes.

Exit codes: 0 the gate passed (or nothing was wrong), 1 the gate failed, 2 specc could not do
its job (bad spec, bad arguments, unreadable input) — always with a message, never a traceback.
"""

from __future__ import annotations

import importlib
import sys

import click

from . import __version__


# Each command's module, imported only when the command runs (or help lists them): a CI gate
# running `specc check` on every batch does not pay for the compiler's dialects or consensus.
COMMANDS = ("lint", "fmt", "compile", "check", "agree", "init", "consensus")


class SpeccGroup(click.Group):
    """Renders specc's own errors at the edge: bad input is a message and exit code 2."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        name = click.utils.make_str(args[0]) if args else ""
        if name not in COMMANDS and not name.startswith("-") and not ctx.resilient_parsing:
            # click suggests from the commands already imported: here, none of them
            raise click.exceptions.NoSuchCommand(name, possibilities=COMMANDS, ctx=ctx)
        return super().resolve_command(ctx, args)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        if name not in self.commands:
            module = importlib.import_module(f"{__package__}.commands.{name}")
            self.add_command(getattr(module, name))
        return self.commands[name]

    def invoke(self, ctx: click.Context):
        from .diagnostics import SpecError, UsageError
        from .render import render_diagnostics

        try:
            return super().invoke(ctx)
        except UsageError as exc:
            click.echo(exc.render(), err=True)
            ctx.exit(2)
        except SpecError as exc:
            click.echo(render_diagnostics(exc.diagnostics, exc.sources), err=True)
            ctx.exit(2)


@click.group(cls=SpeccGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="specc")
def cli() -> None:
    """specc: annotation quality, declared and enforced."""




def main() -> None:
    from .diagnostics import UsageError

    try:
        code = cli.main(standalone_mode=False)
    except UsageError as exc:
        click.echo(exc.render(), err=True)
        sys.exit(2)
    except (click.exceptions.Abort, KeyboardInterrupt):  # Ctrl-C outside a run (specc.run_guard has the rest)
        click.echo("specc: interrupted (SIGINT)", err=True)
        sys.exit(130)
    except click.ClickException as exc:  # bad arguments: usage errors are exit 2
        exc.show()
        sys.exit(2)
    except SystemExit:
        raise
    except Exception as exc:  # last line of defence: never a traceback
        click.echo(f"error: internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(2)
    else:
        sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
