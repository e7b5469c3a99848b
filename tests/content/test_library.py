"""The content library: shipped texts for every role and focus area, an owner's replacements
file by file, and a clear refusal at start of any file that cannot be used."""

from __future__ import annotations

from pathlib import Path

import pytest

from content import BriefingRole, ContentError, load_content
from content.library import SHIPPED_DIR
from domain.prompts import BriefingSection
from domain.state import Mode, Role


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_every_role_has_a_briefing_with_every_part_and_every_focus_area_a_guide() -> None:
    library = load_content()
    for role in BriefingRole:
        briefing = library.briefings[role]
        assert briefing.introduction.body
        assert [section for section, _ in briefing.in_order()] == list(BriefingSection)
        for _, text in briefing.in_order():
            assert text.title
            assert text.body
    names = {guide.name for guide in library.guides}
    assert {"digital_skills", "generational_perspectives", "inclusion", "sustainability"} <= names
    assert library.general.name == "general"


def test_the_briefing_follows_role_and_mode() -> None:
    library = load_content()
    assert library.briefing_for(Role.MENTOR, Mode.REVERSE).role == BriefingRole.REVERSE_MENTOR
    assert library.briefing_for(Role.MENTEE, Mode.REVERSE).role == BriefingRole.REVERSE_MENTEE
    assert library.briefing_for(Role.MENTEE, Mode.MUTUAL).role == BriefingRole.MUTUAL_PARTNER


def test_guides_follow_the_programmes_focus_areas_in_turn_meeting_by_meeting() -> None:
    library = load_content()
    areas = ["Inclusion and belonging", "Generative AI at work", "Team rituals"]
    chosen = [library.guide_for_meeting(areas, number).name for number in range(1, 5)]
    # An area no guide serves gets the general one; the turn comes round again at meeting 4.
    assert chosen == ["inclusion", "digital_skills", "general", "inclusion"]
    assert library.guide_for_meeting([], 3).name == "general"


def test_an_owners_file_replaces_the_shipped_one_and_the_others_stay(tmp_path: Path) -> None:
    write(
        tmp_path,
        "briefings/reverse_mentor/power_gap.md",
        "---\ntitle: Speaking up\n---\nOur own words on the power gap.\n",
    )
    write(
        tmp_path,
        "guides/leadership.md",
        "---\ntitle: Leading teams\nmatches: hybrid teams, remote work\n---\n- A question?\n",
    )
    library = load_content(tmp_path)
    mentor = library.briefings[BriefingRole.REVERSE_MENTOR]
    assert mentor.sections[BriefingSection.POWER_GAP].title == "Speaking up"
    assert mentor.sections[BriefingSection.CONFIDENTIALITY].source.is_relative_to(SHIPPED_DIR)
    mentee = library.briefings[BriefingRole.REVERSE_MENTEE]
    assert mentee.sections[BriefingSection.POWER_GAP].source.is_relative_to(SHIPPED_DIR)
    assert library.guide_for_area("Hybrid teams").name == "leadership"


@pytest.mark.parametrize(
    ("relative", "text", "problem"),
    [
        ("guides/inclusion.md", "title: Inclusion\n\n- a question\n", "must start with"),
        ("guides/inclusion.md", "---\ntitle: Inclusion\n- a question\n", "line 3: expected"),
        ("guides/inclusion.md", "---\ntitle: Inclusion\nmatches: inclusion\n", "not closed"),
        ("guides/inclusion.md", "---\nmatches: inclusion\n---\n- a question\n", "needs a `title:`"),
        ("guides/inclusion.md", "---\ntitle: Inclusion\nmatches: inclusion\n---\n\n", "no text"),
        ("guides/new_area.md", "---\ntitle: New\n---\n- a question\n", "needs `matches:`"),
        (
            "briefings/reverse_mentor/confidentiality.md",
            "---\ntitle: Confidentiality\nauthor: me\n---\ntext\n",
            "unknown header field(s): author",
        ),
        (
            "briefings/reverse_mentor/confidentialty.md",
            "---\ntitle: Typo\n---\ntext\n",
            "not a briefing part",
        ),
        ("briefings/mentor/power_gap.md", "---\ntitle: x\n---\ntext\n", "not a briefing role"),
        ("notes.md", "---\ntitle: x\n---\ntext\n", "not a content file"),
    ],
)
def test_a_malformed_file_stops_the_start_naming_the_file(
    tmp_path: Path, relative: str, text: str, problem: str
) -> None:
    path = write(tmp_path, relative, text)
    with pytest.raises(ContentError) as error:
        load_content(tmp_path)
    assert error.value.path == path
    assert str(path) in str(error.value)
    assert problem in str(error.value)


def test_a_file_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    path = tmp_path / "guides" / "general.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"---\ntitle: G\xe9n\xe9ral\n---\n- q\n")
    with pytest.raises(ContentError, match="not UTF-8") as error:
        load_content(tmp_path)
    assert error.value.path == path


def test_a_content_directory_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="does not exist"):
        load_content(tmp_path / "missing")
