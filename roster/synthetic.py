"""A reproducible synthetic organisation, for the matching benchmark and for tests.

Shaped like a real one: a management tree, a handful of time zones and languages, juniors who
want to share digital skills and seniors who want to learn them.
"""

from __future__ import annotations

import random
from datetime import time

from domain.matching.model import Candidate, RolePreference

SKILLS = (
    "social media",
    "generative ai",
    "data literacy",
    "remote collaboration",
    "video editing",
    "python",
    "cloud tools",
    "cybersecurity",
    "design thinking",
    "agile",
    "accessibility",
    "personal branding",
    "podcasting",
    "no-code",
    "spreadsheets",
    "sustainability",
    "gen z culture",
    "inclusive language",
    "mobile apps",
    "esports",
    "crypto",
    "ux research",
    "public speaking",
    "strategy",
    "finance",
    "negotiation",
    "leadership",
    "networking",
    "stakeholder management",
    "budgeting",
    "hiring",
    "change management",
)
INTERESTS = (
    "running",
    "chess",
    "cooking",
    "music",
    "photography",
    "travel",
    "gaming",
    "reading",
    "hiking",
    "football",
    "yoga",
    "film",
    "volunteering",
    "gardening",
    "climbing",
    "art",
)
DEPARTMENTS = (
    "finance",
    "hr",
    "it",
    "marketing",
    "sales",
    "operations",
    "legal",
    "research",
    "engineering",
    "support",
    "procurement",
    "communications",
)
ZONES = (
    ("Paris", "Europe/Paris"),
    ("London", "Europe/London"),
    ("Berlin", "Europe/Berlin"),
    ("New York", "America/New_York"),
    ("Singapore", "Asia/Singapore"),
    ("Bangalore", "Asia/Kolkata"),
    ("Madrid", "Europe/Madrid"),
    ("Toronto", "America/Toronto"),
)
LANGUAGES = ("en", "fr", "de", "es", "hi", "zh")


def synthetic_candidates(people: int, seed: int = 7) -> list[Candidate]:
    """`people` employees, half juniors who mentor and half seniors who learn."""
    # Seeded on purpose: the benchmark must see the same organisation every time.
    rng = random.Random(seed)  # noqa: S311
    juniors = people // 2
    seniors = people - juniors
    senior_ids = [f"s{n:06d}" for n in range(seniors)]
    candidates = [
        _person(rng, pid, True, senior_ids) for pid in (f"j{n:06d}" for n in range(juniors))
    ]
    for n, pid in enumerate(senior_ids):
        # A management tree among seniors: each reports to someone earlier in the list.
        manager = senior_ids[rng.randrange(n)] if n > 0 else None
        candidates.append(_person(rng, pid, False, senior_ids, manager))
    return candidates


def _person(
    rng: random.Random,
    person_id: str,
    junior: bool,
    senior_ids: list[str],
    manager: str | None = None,
) -> Candidate:
    location, zone = rng.choice(ZONES)
    languages = {"en"} if rng.random() < 0.85 else set()
    languages |= set(rng.sample(LANGUAGES, rng.randint(1, 2)))
    digital, classic = SKILLS[:22], SKILLS[22:]
    share = rng.sample(digital if junior else classic, rng.randint(2, 5))
    learn = rng.sample(classic if junior else digital, rng.randint(2, 4))
    diversity = {}
    if rng.random() < 0.6:  # not everyone consents to share
        diversity = {
            "gender": rng.choice(("f", "m", "x")),
            "generation": "z" if junior else rng.choice(("x", "boomer", "y")),
        }
    start = rng.choice((time(8, 0), time(9, 0), time(10, 0)))
    return Candidate(
        person_id=person_id,
        department=rng.choice(DEPARTMENTS),
        location=location,
        time_zone=zone,
        working_hours_start=start,
        working_hours_end=time(start.hour + 8, 30),
        languages=tuple(sorted(languages)),
        manager_id=manager if not junior else rng.choice(senior_ids),
        career_level=rng.randint(1, 4) if junior else rng.randint(5, 10),
        role_preference=RolePreference.MENTOR if junior else RolePreference.MENTEE,
        skills_to_share=tuple(share),
        skills_to_learn=tuple(learn),
        interests=tuple(rng.sample(INTERESTS, rng.randint(1, 4))),
        diversity=diversity,
        capacity=1,
    )
