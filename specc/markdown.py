"""Markdown in and out of specc, never letting a spec's text become markup by accident.

Specs are reviewed input, but a guideline, a label description or a rule message is still
free text that ends up in documents people open in a browser. Three jobs live here so that
every renderer (the `docs` target, a future HTML report) does them the same way:

- writing: `markdown_code` and `markdown_escape` put a name or free text into Markdown as
  inert text;
- keeping: `markdown_for_markdown` passes an author's Markdown through to a Markdown file
  with its headings moved under a section and anything that would open raw HTML escaped;
- rendering: `markdown_to_html` and `inline_to_html` are a small, safe converter for the
  Markdown guidelines use (paragraphs, bullet and numbered lists nested by indentation, `#`
  headings, fenced code, `code`, **bold**, *italics*, backslash escapes). Everything else,
  raw HTML and links included, is shown as escaped text.
"""

from __future__ import annotations

import re
from html import escape

# ---- writing text into Markdown -------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*<|]|\](?=[(\[:])|&(?=#?[A-Za-z0-9]+;))")
_MD_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")


def markdown_code(text: str) -> str:
    """`text` as a CommonMark code span, however many backticks it holds."""
    fence = "`" * (_longest_backtick_run(text) + 1)
    # a renderer strips one space from each end when both ends have one (unless all are spaces)
    stripped_by_renderer = text.startswith(" ") and text.endswith(" ") and text.strip()
    padded = f" {text} " if text.startswith("`") or text.endswith("`") or stripped_by_renderer else text
    return f"{fence}{padded or ' '}{fence}"


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in re.findall(r"`+", text)), default=0)


def markdown_escape(text: str, line_start: bool = True) -> str:
    """Free text made inert in Markdown: no emphasis, code, links or HTML can start in it.

    With `line_start`, what would open a list, heading or quote at the start of a line is
    escaped too; pass False for text that follows other text on its line."""
    text = _MD_SPECIAL.sub(r"\\\1", text.replace("\n", " "))
    text = _MD_UNDERSCORE.sub(r"\\_", text)
    if not line_start:
        return text
    text = re.sub(r"^(\d+)([.)])", r"\1\\\2", text)
    return re.sub(r"^([#>+\-=~])", r"\\\1", text)


# ---- block structure shared by keeping and rendering ------------------------------------------

_LIST_ITEM = re.compile(r"^( {0,3})([-*+]|\d{1,9}[.)])(?:( +)(.*))?$")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_BLOCK_START = re.compile(r"^ {0,3}(?:[-*+] |\d{1,9}[.)] |#{1,6}(?:\s|$)|`{3}|~{3})")


def is_one_paragraph(source: str) -> bool:
    """True when `source` is a single paragraph: no blank line, and no line opens another block."""
    return not any(_BLOCK_START.match(line) or not line.strip() for line in source.split("\n"))


def _fence(line: str):
    """A fence line; as in CommonMark, a backtick fence's info string holds no backtick."""
    match = _FENCE.match(line)
    if match is None or (match.group(1)[0] == "`" and "`" in match.group(2)):
        return None
    return match


def _closes(fence: str, line: str) -> bool:
    """Whether `line` closes a block opened by `fence`: the same character, at least as many, no info."""
    closing = _fence(line)
    return bool(closing) and closing.group(1)[0] == fence[0] and len(closing.group(1)) >= len(fence) \
        and not closing.group(2).strip()


def _heading_level(heading: re.Match, base_level: int) -> int:
    """An author's `#` heading moved under the section it sits in; HTML has no level past 6."""
    return min(6, base_level + len(heading.group(1)) - 1)


def _list_marker(line: str):
    """The list-item match of `line`, or None; `-` alone on a line is an empty item."""
    return _LIST_ITEM.match(line)


def _next_nonblank(lines: list[str], index: int) -> int:
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index


# ---- keeping an author's Markdown in a Markdown file --------------------------------------------

_HTML_START = re.compile(r"[A-Za-z/!?]")


def neutralise_html(source: str) -> str:
    """Markdown with every `<` that could open raw HTML escaped, inside code spans too.

    Guessing which backticks pair up the way a renderer will is how raw HTML slips through
    (an HTML block interrupts a paragraph, and a code span with it), so no guess is made: a
    `<tag>` in inline code shows its backslash in the .md file; the .html page is unaffected."""
    out, index = [], 0
    while index < len(source):
        char = source[index]
        if char == "\\" and index + 1 < len(source):
            out.append(source[index:index + 2])
            index += 2
        elif char == "<" and _HTML_START.match(source, index + 1):
            out.append("\\<")
            index += 1
        else:
            out.append(char)
            index += 1
    return "".join(out)


def markdown_for_markdown(source: str, base_level: int) -> list[str]:
    """The author's Markdown, lines kept, headings moved under the section, raw HTML escaped."""
    lines, fence, paragraph = [], None, []
    source = "\n".join(line.rstrip() for line in source.strip("\n").split("\n"))

    def flush() -> None:
        if paragraph:
            lines.extend(neutralise_html("\n".join(paragraph)).split("\n"))
            paragraph.clear()

    for line in source.split("\n"):
        if fence is not None:  # fenced code is shown as code, so it is kept as written
            lines.append(line)
            fence = None if _closes(fence, line) else fence
            continue
        opener, heading = _fence(line), _HEADING.match(line)
        if opener or heading or not line.strip():
            flush()
        if opener:
            fence = opener.group(1)
            lines.append(line)
        elif heading:
            lines.append(neutralise_html("#" * _heading_level(heading, base_level) + " " + (heading.group(2) or "")))
        elif not line.strip():
            lines.append("")
        else:
            paragraph.append(line)
    flush()
    return lines


# ---- rendering Markdown as HTML -------------------------------------------------------------------

_PRIVATE = 0xE000  # escaped punctuation is parked in the private-use area while emphasis is found
_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def markdown_to_html(source: str, base_level: int = 3) -> str:
    return "".join(_md_to_html_blocks(source.expandtabs(4).strip("\n").split("\n"), base_level))


def _md_to_html_blocks(lines: list[str], base_level: int) -> list[str]:
    out, index = [], 0
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
        elif _fence(line):
            index = _fenced(lines, index, out)
        elif _HEADING.match(line):
            heading = _HEADING.match(line)
            level = _heading_level(heading, base_level)
            out.append(f"<h{level}>{inline_to_html(heading.group(2) or '')}</h{level}>\n")
            index += 1
        elif _list_marker(line):
            index = _list(lines, index, base_level, out)
        else:
            index = _paragraph(lines, index, out)
    return out


def _fenced(lines: list[str], index: int, out: list[str]) -> int:
    fence = _fence(lines[index]).group(1)
    body, index = [], index + 1
    while index < len(lines):
        if _closes(fence, lines[index]):
            index += 1
            break
        body.append(lines[index])
        index += 1
    out.append(f"<pre><code>{escape(chr(10).join(body))}</code></pre>\n")
    return index


def _paragraph(lines: list[str], index: int, out: list[str]) -> int:
    body = []
    while index < len(lines) and lines[index].strip() and not (
            body and (_fence(lines[index]) or _HEADING.match(lines[index]) or _list_marker(lines[index]))):
        body.append(lines[index].strip())
        index += 1
    out.append(f"<p>{inline_to_html(chr(10).join(body))}</p>\n")
    return index


def _list(lines: list[str], index: int, base_level: int, out: list[str]) -> int:
    first = _list_marker(lines[index])
    ordered = first.group(2)[0].isdigit()
    items, loose = [], False
    while index < len(lines):
        match = _list_marker(lines[index])
        if match is None or match.group(2)[0].isdigit() != ordered:
            break
        width = len(match.group(1)) + len(match.group(2)) + len(match.group(3) or " ")
        body, index = [match.group(4) or ""], index + 1
        index = _item_body(lines, index, width, body)
        items.append(body)
        after = _next_nonblank(lines, index)
        following = _list_marker(lines[after]) if after < len(lines) else None
        if after > index and following and following.group(2)[0].isdigit() == ordered:
            loose, index = True, after  # a blank line between items makes the whole list loose
    tag = "ol" if ordered else "ul"
    start = int(first.group(2)[:-1]) if ordered else 1
    attribute = f' start="{start}"' if ordered and start != 1 else ""
    rendered = "".join(_list_item(body, base_level, loose) for body in items)
    out.append(f"<{tag}{attribute}>\n{rendered}</{tag}>\n")
    return index


def _item_body(lines: list[str], index: int, width: int, body: list[str]) -> int:
    while index < len(lines):
        line = lines[index]
        indentation = len(line) - len(line.lstrip(" "))
        if not line.strip():
            after = _next_nonblank(lines, index)
            if after < len(lines) and len(lines[after]) - len(lines[after].lstrip(" ")) >= width:
                body.extend([""] * (after - index))
                index = after
                continue
            return index
        if indentation >= width:
            body.append(line[width:])
        elif _BLOCK_START.match(line) or not body[-1].strip():
            return index
        else:
            body.append(line.strip())  # a lazy continuation of the item's paragraph
        index += 1
    return index


def _list_item(body: list[str], base_level: int, loose: bool) -> str:
    blocks = _md_to_html_blocks(body, base_level)
    if not loose and blocks and blocks[0].startswith("<p>"):
        blocks[0] = blocks[0][len("<p>"):-len("</p>\n")] + ("\n" if len(blocks) > 1 else "")
    return "<li>" + "".join(blocks).rstrip("\n") + "</li>\n"


def inline_to_html(source: str) -> str:
    """Inline Markdown to HTML: code spans, backslash escapes, **bold**, *italics*; the rest escaped."""
    out, index, plain = [], 0, []

    def flush() -> None:
        if plain:
            out.append(_emphasis("".join(plain)))
            plain.clear()

    while index < len(source):
        char = source[index]
        if char == "\\" and index + 1 < len(source) and source[index + 1] in _ASCII_PUNCTUATION:
            plain.append(chr(_PRIVATE + ord(source[index + 1])))
            index += 2
        elif char == "`":
            end = _code_span_end(source, index)
            run = len(re.match(r"`+", source[index:]).group(0))
            if end == index + run:  # no closing run: literal backticks
                plain.append(char * run)
            else:
                flush()
                out.append(f"<code>{escape(_code_content(source[index + run:end - run]))}</code>")
            index = end
        else:
            plain.append(char)
            index += 1
    flush()
    return "".join(out)


def _code_span_end(source: str, start: int) -> int:
    """Where the code span opening at `start` ends; just past the backticks if it never closes."""
    run = len(re.match(r"`+", source[start:]).group(0))
    closing = re.compile(r"(?<!`)`{%d}(?!`)" % run)
    found = closing.search(source, start + run)
    return found.end() if found else start + run


def _code_content(content: str) -> str:
    content = content.replace("\n", " ")
    if len(content) > 2 and content.startswith(" ") and content.endswith(" ") and content.strip():
        return content[1:-1]
    return content


def _emphasis(plain: str) -> str:
    html = escape(plain)
    # Escaped text holds no `<` or `>`; spans of `[^<>]` never reach into a tag made earlier,
    # so the tags always nest.
    html = re.sub(r"\*\*(?=\S)([^<>]+?)(?<=\S)\*\*", r"<strong>\1</strong>", html)
    html = re.sub(r"(?<![A-Za-z0-9_])__(?=\S)([^<>]+?)(?<=\S)__(?![A-Za-z0-9_])", r"<strong>\1</strong>", html)
    html = re.sub(r"\*(?=[^\s*])([^<>]+?)(?<=[^\s*])\*", r"<em>\1</em>", html)
    html = re.sub(r"(?<![A-Za-z0-9_])_(?=[^\s_])([^<>]+?)(?<=[^\s_])_(?![A-Za-z0-9_])", r"<em>\1</em>", html)
    return re.sub("[\ue000-\ue07f]", lambda m: escape(chr(ord(m.group(0)) - _PRIVATE)), html)
