"""Publishing a strategy: who may, and which version may be published.

Pure: the caller hands in what it knows of the version (adopted? rendered?) and gets a
refusal reason or None. The agency publishes, never a cluster role: a published strategy
speaks for the agency on its website.
"""

from __future__ import annotations

from enum import StrEnum

from workflows.roles import PlatformRight, has_platform_right


class Refusal(StrEnum):
    """Why a version may not be published (the API's error code)."""

    NOT_FINAL = "not_final"  # a draft: the strategy was not adopted when it was frozen
    NOT_READY = "not_ready"  # the DOCX is not rendered (yet, or it failed)


def may_publish(is_admin: bool) -> bool:
    """Publishing and withdrawing are the agency's: a platform right, not a cluster role."""
    return has_platform_right(is_admin, PlatformRight.PUBLISH)


def publication_refusal(final: bool, status: str) -> Refusal | None:
    """None when the version may be published: adopted (final) and its DOCX done.

    A draft is refused even when rendered: the public page must only ever show what the
    cluster adopted. The state is checked first, as it is the one a person must fix.
    """
    if not final:
        return Refusal.NOT_FINAL
    if status != "done":
        return Refusal.NOT_READY
    return None
