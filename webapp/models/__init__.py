"""The database models, one module per feature; import them from here."""

from webapp.models.audit import AuditEvent
from webapp.models.auth import ApiToken, LoginFailure, LoginSession
from webapp.models.clusters import Cluster, Membership, SignOff, Stage, WorkflowDefinitionRecord
from webapp.models.comments import Comment
from webapp.models.documents import Document
from webapp.models.invitations import Invitation
from webapp.models.meetings import Attendance, Meeting
from webapp.models.notifications import (
    Notification,
    NotificationPreference,
    OutboxEmail,
    SectionPresence,
)
from webapp.models.people import Organisation, User
from webapp.models.polls import Poll, PollOption, Vote
from webapp.models.proposals import Proposal
from webapp.models.publications import Publication
from webapp.models.sections import Section, SectionRevision
from webapp.models.uploads import Upload

__all__ = [
    "ApiToken",
    "Attendance",
    "AuditEvent",
    "Cluster",
    "Comment",
    "Document",
    "Invitation",
    "LoginFailure",
    "LoginSession",
    "Meeting",
    "Notification",
    "NotificationPreference",
    "OutboxEmail",
    "SectionPresence",
    "Membership",
    "Organisation",
    "Poll",
    "PollOption",
    "Proposal",
    "Publication",
    "Section",
    "SectionRevision",
    "SignOff",
    "Stage",
    "Upload",
    "User",
    "Vote",
    "WorkflowDefinitionRecord",
]
