"""What the guard returns: findings, identifier entities, labels and the report that holds them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["info", "warn", "block"]
Category = Literal[
    "phi", "claims", "promotion", "personal", "professionalism", "platform", "quality"
]
Verdict = Literal["ok", "warn", "block"]

SEVERITY_RANK: dict[str, int] = {"info": 0, "warn": 1, "block": 2}


@dataclass(frozen=True, slots=True)
class Entity:
    """An identifier span, found whoever it belongs to; `own` marks the practice's own details."""

    type: str
    start: int
    end: int
    text: str
    own: bool = False


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a compliance officer would say about a span of the original text."""

    rule: str
    category: Category
    severity: Severity
    start: int
    end: int
    excerpt: str
    message: str
    suggestion: str
    source: str = ""
    phi_type: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if self.phi_type is None:
            del d["phi_type"]
        return d


@dataclass(frozen=True, slots=True)
class Labels:
    promotional: bool = False
    personal: bool = False


@dataclass(frozen=True, slots=True)
class Report:
    """The guard's answer for one text."""

    text: str
    findings: tuple[Finding, ...] = ()
    entities: tuple[Entity, ...] = ()
    labels: Labels = field(default_factory=Labels)

    @property
    def verdict(self) -> Verdict:
        worst = max((SEVERITY_RANK[f.severity] for f in self.findings), default=0)
        return "block" if worst == 2 else "warn" if worst == 1 else "ok"

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "labels": {"promotional": self.labels.promotional, "personal": self.labels.personal},
            "findings": [f.to_dict() for f in self.findings],
            "entities": [asdict(e) for e in self.entities],
        }
