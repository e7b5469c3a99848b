"""Which kind of pair each simulated relationship is, drawn from a seeded generator."""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum

from simulation.personas import Persona


class PairKind(StrEnum):
    ENGAGED = "engaged"
    GHOSTING = "ghosting"
    TENSE = "tense"
    MUTUAL = "mutual"
    DECLINING = "declining"


# A programme's usual mix: most pairs work, some drift apart, a few clash or say no.
DEFAULT_MIX: dict[PairKind, float] = {
    PairKind.ENGAGED: 0.55,
    PairKind.MUTUAL: 0.15,
    PairKind.GHOSTING: 0.15,
    PairKind.TENSE: 0.10,
    PairKind.DECLINING: 0.05,
}

_PERSONAS: dict[PairKind, tuple[Persona, Persona]] = {
    PairKind.ENGAGED: (Persona.ENGAGED, Persona.ENGAGED),
    PairKind.MUTUAL: (Persona.MUTUAL, Persona.ENGAGED),
    PairKind.GHOSTING: (Persona.GHOSTING, Persona.GHOSTING),
    PairKind.TENSE: (Persona.ENGAGED, Persona.TENSE),
    PairKind.DECLINING: (Persona.ENGAGED, Persona.DECLINING),
}

# How often a person lets a prompt wait until its reminder, or lapse altogether.
LATE_PROBABILITY: dict[Persona, float] = {
    Persona.ENGAGED: 0.10,
    Persona.MUTUAL: 0.10,
    Persona.RENEWING: 0.10,
    Persona.TENSE: 0.25,
    Persona.GHOSTING: 0.50,
    Persona.DECLINING: 0.20,
}
LAPSE_PROBABILITY: dict[Persona, float] = {
    Persona.ENGAGED: 0.02,
    Persona.MUTUAL: 0.02,
    Persona.RENEWING: 0.02,
    Persona.TENSE: 0.10,
    Persona.GHOSTING: 0.30,
    Persona.DECLINING: 0.05,
}


@dataclass(frozen=True)
class SimulatedPair:
    number: int
    kind: PairKind
    mentor_id: str
    mentee_id: str

    @property
    def personas(self) -> dict[str, Persona]:
        mentor, mentee = _PERSONAS[self.kind]
        return {self.mentor_id: mentor, self.mentee_id: mentee}


def draw_population(
    pairs: int, seed: int, mix: dict[PairKind, float] = DEFAULT_MIX
) -> list[SimulatedPair]:
    rng = random.Random(seed)
    kinds = list(mix)
    weights = [mix[kind] for kind in kinds]
    return [
        SimulatedPair(n, rng.choices(kinds, weights)[0], f"sim-m{n:05d}", f"sim-s{n:05d}")
        for n in range(pairs)
    ]
