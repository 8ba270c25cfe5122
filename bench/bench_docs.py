"""Writing a benchmark program's section of docs/BENCHMARKS.md.

A program owns one `## ` section. A re-run replaces its measurements and keeps the analysis
written by hand under `analysis_heading` (up to the section's "Re-run with" line), so prose
about why the numbers are what they are lives in the docs, not in the program, and is
updated by hand when the numbers change what it says.
"""

from __future__ import annotations

from pathlib import Path


def write_section(path: Path, section: str, text: str, analysis_heading: str | None = None, log=print) -> None:
    """Replaces the section titled `section` of `path` with `text` (or appends it); leaves
    the rest of the file as it is. The old section's analysis (from `analysis_heading` to its
    "Re-run with" line) is kept, placed before the new text's "Re-run with" line."""
    old = path.read_text() if path.exists() else "# Benchmarks\n"
    lines = old.split("\n")
    start = next((i for i, l in enumerate(lines) if l.strip() == section), None)
    if start is None:
        new = old.rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n"
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        if analysis_heading:
            text = _keeping_analysis(lines[start:end], text, analysis_heading)
        before = "\n".join(lines[:start]).rstrip("\n")
        after = "\n".join(lines[end:]).strip("\n")
        new = before + "\n\n" + text.rstrip("\n") + "\n" + ("\n" + after + "\n" if after else "")
    path.write_text(new)
    log(f"wrote the section '{section[3:]}' of {path}")


def _keeping_analysis(old_section: list[str], text: str, heading: str) -> str:
    """`text` with the analysis of `old_section` (if it has one) before its "Re-run" line."""
    first = next((i for i, l in enumerate(old_section) if l.strip() == heading), None)
    if first is None:
        return text
    stop = next((i for i in range(first, len(old_section)) if old_section[i].startswith("Re-run with")), len(old_section))
    analysis = "\n".join(old_section[first:stop]).strip("\n")
    new_lines = text.rstrip("\n").split("\n")
    rerun = next((i for i, l in enumerate(new_lines) if l.startswith("Re-run with")), len(new_lines))
    return "\n".join(new_lines[:rerun]).rstrip("\n") + "\n\n" + analysis + "\n\n" + "\n".join(new_lines[rerun:])
