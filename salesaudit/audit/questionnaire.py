"""The interview questionnaire: one question per interview check, answers read back by the audit.

``questionnaire.yaml`` maps a question id to ``{answer: yes|no|partly|unknown, note: ...}``; the
question text is a comment above it, in the engagement's language. Every question is phrased so that
"yes" is the healthy answer; each is read by exactly one check of :data:`salesaudit.audit.scorecard.CHECKS`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..engine.yamlfile import read_yaml_file
from ..exceptions import ConfigError
from ..report.i18n import t

ANSWERS = ("yes", "no", "partly", "unknown")

QUESTIONS: tuple[str, ...] = (
    "plans.written_plan",
    "plans.pay_structure",
    "plans.bonus_regulation",
    "clients.register",
    "clients.segmentation",
    "clients.why_a_buy",
    "clients.potential_known",
    "cadence.weekly_meeting",
    "cadence.weekly_plans",
    "people.turnover",
    "people.scripts",
    "people.hunter_farmer",
)
"""Question ids, in questionnaire order (labels ``question.<id>``)."""


def questionnaire_text(lang: str) -> str:
    """An empty questionnaire: every question as a comment, every answer ``unknown``, the allowed answers
    beside it.

    Examples
    --------
    >>> text = questionnaire_text("en")
    >>> 'plans.written_plan: {answer: unknown, note: ""}   # yes | no | partly | unknown' in text
    True
    """
    allowed = " | ".join(ANSWERS)
    lines = [f"# {t('questionnaire.header', lang)}", f"# {t('questionnaire.answers', lang)}", ""]
    for q in QUESTIONS:
        lines.append(f"# {t('question.' + q, lang)}")
        lines.append(f'{q}: {{answer: unknown, note: ""}}   # {allowed}')
        lines.append("")
    lines.append(f"# {t('questionnaire.a_clients', lang)}")
    lines.append("a_client_interviews: []")
    return "\n".join(lines) + "\n"


def load_answers(path: str | Path) -> dict:
    """Read ``questionnaire.yaml``; unknown question ids and answers outside yes/no/partly/unknown fail."""
    path = Path(path)
    data = read_yaml_file(path, what="questionnaire") or {}
    if not isinstance(data, dict):
        raise ConfigError("the questionnaire must be a mapping of question ids", file=str(path))
    answers = {}
    for key, value in data.items():
        if key == "a_client_interviews":
            continue
        if key not in QUESTIONS:
            raise ConfigError(
                "unknown question id", file=str(path), key=key, hint=f"known ids: {', '.join(QUESTIONS)}"
            )
        value = value if isinstance(value, dict) else {"answer": value}
        answer = str(value.get("answer", "unknown")).lower()
        if answer not in ANSWERS:
            raise ConfigError(
                f"answer must be one of {', '.join(ANSWERS)}",
                file=str(path),
                key=f"{key}.answer",
                value=answer,
            )
        answers[key] = {"answer": answer, "note": str(value.get("note") or "")}
    for q in QUESTIONS:
        answers.setdefault(q, {"answer": "unknown", "note": ""})
    answers["a_client_interviews"] = list(data.get("a_client_interviews") or [])
    return answers


def summarise_interviews(interviews: list[dict]) -> pd.DataFrame:
    """How often each reason and each supplier-choice criterion was named in the A-client interviews.

    Returns columns ``kind`` (reason/criterion), ``reason_text``, ``mentions``, most mentioned first.

    Examples
    --------
    >>> summarise_interviews([{"client_id": "1", "reasons": ["цена", "сроки"]},
    ...                       {"client_id": "2", "reasons": ["сроки"]}])["mentions"].tolist()
    [2, 1]
    """
    rows = [
        (kind, str(text).strip())
        for item in interviews
        for kind, key in (("reason", "reasons"), ("criterion", "criteria"))
        for text in (item.get(key) or [])
        if str(text).strip()
    ]
    df = pd.DataFrame(rows, columns=["kind", "reason_text"])
    out = df.groupby(["kind", "reason_text"], as_index=False).size().rename(columns={"size": "mentions"})
    return out.sort_values(["kind", "mentions", "reason_text"], ascending=[False, False, True]).reset_index(
        drop=True
    )
