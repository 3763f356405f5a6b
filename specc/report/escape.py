"""Neutralisers: text from a delivery made harmless for the medium it is written to.

A delivery is untrusted. Its column names, values, file names and the error messages that
quote them reach terminals, CI logs, pull-request comments, XML files and web pages, and
each of those media gives some characters a meaning: ESC starts a terminal escape sequence
(colour, cursor moves, `ESC ] 8` hyperlinks), a line starting with `::` is a GitHub Actions
workflow command, `|` ends a Markdown table cell, `<` opens an HTML tag, and XML 1.0 cannot
hold NUL at all. Every renderer (and every message specc prints on stderr) passes such text
through the function for its medium, all kept here so the rules are written once:

| medium | function | what it does |
|---|---|---|
| terminal, plain-text logs | `terminal` | control, format (bidi, zero-width) and line-separator characters as visible escapes (`\\x1b`, `\\u202e`, `\\n`); no workflow command (`log_text`) |
| GitHub workflow commands | `github_data`, `github_property` | `%`, CR, LF percent-encoded; in properties also `:` and `,` |
| Markdown table cells | `markdown_cell` | Markdown and HTML characters backslash-escaped, line breaks as `<br>` |
| HTML and SVG | `html_text` | `terminal`, then `html.escape` with quotes (safe in attributes) |
| XML (JUnit) | `xml_text` | characters XML 1.0 forbids, and invisible or C1 controls, as visible escapes |
| JSON | `json_output` | characters JSON leaves raw that a terminal or a browser would act on, as `\\uXXXX` |
| any of them printed into a CI log | `log_text` | no line can start a GitHub workflow command (`::`, `##[`) |

These functions never drop information: every escape is visible and, for JSON, lossless.
"""

from __future__ import annotations

import html
import re
import unicodedata

# Control (C0, DEL, C1), format (bidi overrides, zero-width), surrogate, private-use and
# line/paragraph separators: none of them should act on a reader's screen.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def is_unsafe(char: str) -> bool:
    return unicodedata.category(char) in _UNSAFE_CATEGORIES


def visible(char: str) -> str:
    """One character as the escape a reader sees: `\\n`, `\\x1b`, `\\u202e`, `\\U000e0001`."""
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


# terminals -------------------------------------------------------------------------------


def terminal(text: str, keep: str = "") -> str:
    """`text` with every unsafe character as a visible escape, except those in `keep`, and
    no CI workflow command in it (see `log_text`): safe wherever it lands in a line.

    `keep="\\t"` suits a source snippet; nothing is kept by default, so the result is
    always one line.
    """
    text = str(text)
    if not text.isprintable():
        text = "".join(visible(c) if is_unsafe(c) and c not in keep else c for c in text)
    return log_text(text)


def terminal_lines(text: str) -> list[str]:
    """A message of several lines written by specc: each line made safe; never empty."""
    return [terminal(line) for line in str(text or "").split("\n")] or [""]


# GitHub Actions ----------------------------------------------------------------------------


def github_data(text: str) -> str:
    """A workflow command's message, as @actions/core escapes it: `%`, CR and LF encoded,
    so the message stays on the command's line and no text starts a command of its own."""
    return str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    """A workflow command's property value (`file=…`, `title=…`): also `:` and `,` encoded."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


# CI logs -----------------------------------------------------------------------------------

# GitHub's runner reads a log line as a workflow command when, leading white space trimmed,
# it starts with `::`; and its legacy parser takes `##[command]` anywhere in a line. Any
# report may be printed into a job log (`cat report.md`), so every one passes through here.
_COMMAND_AT_LINE_START = re.compile(r"^([^\S\n]*):(?=:)", re.MULTILINE)
_LEGACY_COMMAND = "##["


def log_text(text: str, colon: str = "\\x3a", bracket: str = "\\x5b") -> str:
    """`text` in which no line can be read as a CI workflow command: a `:` opening a line's
    `::` and the `[` of every `##[` written as `colon` and `bracket` (visible escapes by
    default; character references in XML and HTML). specc itself never writes such lines,
    except in the `github` format, which is made of them and does not use this."""
    if ":" not in text and _LEGACY_COMMAND not in text:
        return text
    text = _COMMAND_AT_LINE_START.sub(lambda match: match.group(1) + colon, text)
    return text.replace(_LEGACY_COMMAND, "##" + bracket)


# Markdown ----------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|&!~#])")


def markdown_cell(text: str) -> str:
    """Text for a Markdown table cell or paragraph: Markdown and HTML characters literal
    (`|` cannot end the cell, `<` opens no tag, a leading `#` or `>` makes no heading or
    quote), control characters as escapes, line breaks as `<br>`."""
    return "<br>".join(_MARKDOWN_SPECIAL.sub(r"\\\1", line) for line in terminal_lines(text))


# HTML and SVG ------------------------------------------------------------------------------


def html_text(text) -> str:
    """Text for HTML or SVG, in an element or a quoted attribute: escapes visible, markup escaped."""
    return html.escape(terminal(str(text)), quote=True)


# XML ---------------------------------------------------------------------------------------

# XML 1.0 cannot hold these at all, not even as character references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_XML_KEPT = "\n\t"


def xml_text(text: str) -> str:
    """Text an XML 1.0 document can carry, and that a CI page shows as it reads: characters
    XML forbids, CR, DEL, C1 controls and bidi or zero-width characters as visible escapes.
    Line breaks and tabs stay: a failure's body is several lines."""
    text = str(text or "")
    if text.isprintable():
        return text
    return "".join(visible(c) if _NOT_XML.match(c) or (is_unsafe(c) and c not in _XML_KEPT) else c for c in text)


# JSON --------------------------------------------------------------------------------------


def json_output(text: str) -> str:
    """JSON text with the characters a terminal or a browser would act on (DEL, C1 controls,
    bidi and zero-width characters, U+2028), which `json.dumps` leaves raw, and the `[` of
    `##[` (a CI log would obey it) written as `\\uXXXX`: the same JSON value, so nothing is
    lost, but safe to `cat`. Such characters only occur inside JSON strings, so replacing
    them anywhere in the text is sound."""
    text = "\n".join(line if line.isprintable() else "".join(_json_char(c) for c in line)
                     for line in text.split("\n"))
    return text.replace(_LEGACY_COMMAND, "##\\u005b")  # see `log_text`


def _json_char(char: str) -> str:
    if not is_unsafe(char):
        return char
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # outside the BMP: a UTF-16 surrogate pair, as JSON spells it
    return f"\\u{0xd800 + (code >> 10):04x}\\u{0xdc00 + (code & 0x3ff):04x}"
