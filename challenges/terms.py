"""The text a solver agrees to, built from the challenge's settings, and its digest: an agreement
records the version and the sha256 of exactly what was shown."""

from __future__ import annotations

import hashlib

from challenges.models import Challenge, IPTerms

GENERAL_TERMS = (
    "You submit your own original work and have the right to submit it.",
    "The organisation reviews submissions in confidence; other solvers never see yours.",
    "Confidential material shown to you after accepting stays confidential: do not share it.",
    "Submissions close at the deadline; after it nothing can be changed or withdrawn.",
    "The organisation's judges score submissions against the published criteria and may award "
    "less than the full reward or none at all; what is not awarded is refunded under the refund policy.",
)


def terms_paragraphs(challenge: Challenge) -> list[str]:
    paragraphs = [f"Intellectual property: {IPTerms.TEXT[challenge.ip_terms]}"]
    if challenge.ip_terms == IPTerms.EXCLUSIVE:
        paragraphs.append(
            f"A winner has {challenge.acceptance_days} days to confirm the assignment; "
            "after that the award may pass to the next-ranked submission."
        )
    if challenge.eligibility.strip():
        paragraphs.append(f"Eligibility: {challenge.eligibility.strip()}")
    return paragraphs + list(GENERAL_TERMS)


def terms_digest(challenge: Challenge) -> str:
    text = "\n\n".join([f"Terms version {challenge.terms_version}", *terms_paragraphs(challenge)])
    return hashlib.sha256(text.encode()).hexdigest()
