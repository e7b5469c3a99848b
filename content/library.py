"""The texts people read: role briefings and conversation guides, loaded from Markdown files.

The files shipped in this package are the defaults. A programme owner replaces any of them by
putting a file of the same relative path in their own directory (`TWOWAY_CONTENT_DIR`); a file
they leave out falls back to the shipped one, and a guide of a new name adds a focus area.
Everything is read and checked once when a process starts, so a malformed file stops the start
with a message naming it instead of failing in front of a participant.

Each file is a short header of `name: value` lines between two `---` lines, then Markdown:

    ---
    title: Rapport and trust
    ---
    What to do in the first meetings...

Guides also name the focus areas they serve (`matches: digital, technology, social media`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from domain.prompts import BriefingSection
from domain.state import Mode, Role

SHIPPED_DIR = Path(__file__).parent
BRIEFINGS = "briefings"
GUIDES = "guides"
INTRODUCTION = "introduction"
GENERAL_GUIDE = "general"
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
_HEADER_LINE = re.compile(r"^([a-z_]+):\s*(.*)$")
_MAX_BYTES = 64 * 1024
_HEADER_KEYS = {BRIEFINGS: frozenset({"title"}), GUIDES: frozenset({"title", "matches"})}


class BriefingRole(StrEnum):
    """Whose briefing: the junior who teaches, the senior who learns, or either of a mutual pair."""

    REVERSE_MENTOR = "reverse_mentor"
    REVERSE_MENTEE = "reverse_mentee"
    MUTUAL_PARTNER = "mutual_partner"


def briefing_role(role: Role, mode: Mode) -> BriefingRole:
    if mode == Mode.MUTUAL:
        return BriefingRole.MUTUAL_PARTNER
    return BriefingRole.REVERSE_MENTOR if role == Role.MENTOR else BriefingRole.REVERSE_MENTEE


class ContentError(ValueError):
    """A content file that cannot be used; the message names the file and what is wrong."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


@dataclass(frozen=True)
class Text:
    """One file: its title and its Markdown body (rendered safely where it is shown)."""

    title: str
    body: str
    source: Path


@dataclass(frozen=True)
class Briefing:
    role: BriefingRole
    introduction: Text
    sections: Mapping[BriefingSection, Text]

    def in_order(self) -> list[tuple[BriefingSection, Text]]:
        return [(section, self.sections[section]) for section in BriefingSection]


@dataclass(frozen=True)
class Guide:
    name: str
    text: Text
    # Lower-case words or phrases; a focus area containing one of them is served by this guide.
    matches: tuple[str, ...] = ()

    def serves(self, focus_area: str) -> bool:
        words = focus_area.lower()
        return any(re.search(rf"\b{re.escape(term)}\b", words) for term in self.matches)


@dataclass(frozen=True)
class ContentLibrary:
    briefings: Mapping[BriefingRole, Briefing]
    # Sorted by name; the general guide is kept apart as the fallback.
    guides: tuple[Guide, ...]
    general: Guide
    replaced_from: Path | None = field(default=None)

    def briefing_for(self, role: Role, mode: Mode) -> Briefing:
        return self.briefings[briefing_role(role, mode)]

    def guide_for_area(self, focus_area: str) -> Guide:
        return next((guide for guide in self.guides if guide.serves(focus_area)), self.general)

    def guides_for(self, focus_areas: Iterable[str]) -> list[Guide]:
        """One guide per focus area, each at most once, in the programme's order."""
        chosen: list[Guide] = []
        for area in focus_areas:
            guide = self.guide_for_area(area)
            if guide not in chosen:
                chosen.append(guide)
        return chosen or [self.general]

    def guide_for_meeting(self, focus_areas: Sequence[str], meeting_number: int) -> Guide:
        """The guide for one meeting: the programme's focus areas take turns, meeting by meeting."""
        guides = self.guides_for(focus_areas)
        return guides[(max(meeting_number, 1) - 1) % len(guides)]


# -- loading ------------------------------------------------------------------------------------


def load_content(replacement_dir: Path | None = None) -> ContentLibrary:
    """The shipped content with the owner's files in place of any they provide."""
    if replacement_dir is not None and not replacement_dir.is_dir():
        raise ContentError(replacement_dir, "the content directory does not exist")
    files = _ContentFiles(replacement_dir)
    files.refuse_unknown()
    briefings = {role: _briefing(files, role) for role in BriefingRole}
    guides = [_guide(files, name) for name in files.guide_names()]
    general = next((guide for guide in guides if guide.name == GENERAL_GUIDE), None)
    if general is None:  # the shipped one exists; only a broken installation lacks it
        raise ContentError(SHIPPED_DIR / GUIDES, "the general guide is missing")
    others = tuple(guide for guide in guides if guide.name != GENERAL_GUIDE)
    return ContentLibrary(
        briefings=briefings, guides=others, general=general, replaced_from=replacement_dir
    )


class _ContentFiles:
    def __init__(self, replacement_dir: Path | None) -> None:
        self.replacement_dir = replacement_dir

    def path(self, relative: str) -> Path:
        if self.replacement_dir is not None:
            replaced = self.replacement_dir / relative
            if replaced.is_file():
                return replaced
        return SHIPPED_DIR / relative

    def guide_names(self) -> list[str]:
        names = {path.stem for path in (SHIPPED_DIR / GUIDES).glob("*.md")}
        if self.replacement_dir is not None:
            names |= {path.stem for path in (self.replacement_dir / GUIDES).glob("*.md")}
        return sorted(names)

    def refuse_unknown(self) -> None:
        """A misspelt file name would silently leave the shipped text in place: say so instead."""
        if self.replacement_dir is None:
            return
        expected = {f"{INTRODUCTION}.md"} | {f"{section.value}.md" for section in BriefingSection}
        for path in sorted(self.replacement_dir.rglob("*.md")):
            relative = path.relative_to(self.replacement_dir).parts
            if relative[0] == GUIDES and len(relative) == 2:
                if not _NAME.match(path.stem):
                    raise ContentError(path, "a guide's file name must be like digital_skills.md")
                continue
            if relative[0] == BRIEFINGS and len(relative) == 3:
                roles = {role.value for role in BriefingRole}
                if relative[1] not in roles:
                    raise ContentError(
                        path, f"not a briefing role; the roles are {', '.join(sorted(roles))}"
                    )
                if relative[2] not in expected:
                    raise ContentError(
                        path, f"not a briefing part; the parts are {', '.join(sorted(expected))}"
                    )
                continue
            raise ContentError(
                path, "not a content file: use briefings/<role>/<part>.md or guides/<name>.md"
            )


def _briefing(files: _ContentFiles, role: BriefingRole) -> Briefing:
    def text(name: str) -> Text:
        return read_text(files.path(f"{BRIEFINGS}/{role.value}/{name}.md"), BRIEFINGS)[0]

    return Briefing(
        role=role,
        introduction=text(INTRODUCTION),
        sections={section: text(section.value) for section in BriefingSection},
    )


def _guide(files: _ContentFiles, name: str) -> Guide:
    path = files.path(f"{GUIDES}/{name}.md")
    text, header = read_text(path, GUIDES)
    terms = tuple(
        term.strip().lower() for term in header.get("matches", "").split(",") if term.strip()
    )
    if name != GENERAL_GUIDE and not terms:
        raise ContentError(path, "a guide needs `matches:` naming the focus areas it serves")
    return Guide(name=name, text=text, matches=terms)


def read_text(path: Path, kind: str) -> tuple[Text, dict[str, str]]:
    """One file's title and body, with its header; raises ContentError naming the file."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ContentError(path, f"cannot be read ({error.strerror})") from None
    if len(raw) > _MAX_BYTES:
        raise ContentError(path, f"is larger than {_MAX_BYTES // 1024} KiB")
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ContentError(path, f"is not UTF-8 (byte {error.start})") from None
    header, body = _split(path, source.replace("\r\n", "\n"))
    unknown = set(header) - _HEADER_KEYS[kind]
    if unknown:
        raise ContentError(path, f"unknown header field(s): {', '.join(sorted(unknown))}")
    title = header.get("title", "").strip()
    if not title:
        raise ContentError(path, "the header needs a `title:`")
    if not body.strip():
        raise ContentError(path, "has a title but no text")
    return Text(title=title, body=body.strip(), source=path), header


def _split(path: Path, source: str) -> tuple[dict[str, str], str]:
    lines = source.split("\n")
    if not lines or lines[0].strip() != "---":
        raise ContentError(path, "must start with a `---` line, then `title: ...`, then `---`")
    header: dict[str, str] = {}
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            return header, "\n".join(lines[number:])
        if not line.strip():
            continue
        match = _HEADER_LINE.match(line.strip())
        if match is None:
            raise ContentError(path, f"line {number}: expected `name: value` in the header")
        header[match.group(1)] = match.group(2)
    raise ContentError(path, "the header is not closed by a `---` line")
