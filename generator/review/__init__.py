"""Clinical review: what a reviewer sees (review packs), what they sign (approvals), and what
the pages may then say (labels).

    printed.py   the messages a handout prints, in reading order, with their context
    records.py   reviews/<lang>.toml: the maintainers' record of sign-offs, with digests
    state.py     per (language, handout): translated, approved, fuzzy, what blocks "reviewed"
    approve.py   `python -m generator approve`: append a sign-off to the record
    pack.py      `python -m generator review-pack`: one PDF per handout for the reviewer

The record is the only authority for "reviewed". A message is approved while the digest of
its English and the digest of its translation both match an entry a sign-off recorded, so an
edit to a .po file can never make a page say "reviewed", and any change to the English or to a
translation turns exactly the handouts that print that message back to "not reviewed".
"""

from generator.review.state import HandoutReview, handout_review, manifest_status, summary_context, template_context

__all__ = ["HandoutReview", "handout_review", "manifest_status", "summary_context", "template_context"]
