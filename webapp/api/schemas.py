"""Request and response shapes of the API (docs/api.md), for validation and OpenAPI."""

from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from webapp.inputs import in_int32, integer_out_of_range_message
from webapp.models.clusters import SECTORS
from workflows.kinds import ORGANISATION_KINDS
from workflows.merge import RESOLUTIONS
from workflows.roles import MEMBERSHIP_ROLES


class Bounded(Schema):
    """Every integer it loads (alone or in a list) fits an INTEGER column, whatever the
    schema: an id beyond them is a 422 naming the field, not an error of the database."""

    @validates_schema
    def _integers_fit_the_columns(self, data: dict, **_kwargs: object) -> None:
        wrong = {}
        for name, value in data.items():
            field = self.fields.get(name)
            inner = field.inner if isinstance(field, fields.List) else field
            values = value if isinstance(value, list) else [value]
            if isinstance(inner, fields.Integer) and not all(
                in_int32(v) for v in values if isinstance(v, int)
            ):
                wrong[name] = [integer_out_of_range_message()]
        if wrong:
            raise ValidationError(wrong)


class Strict(Bounded):
    class Meta:
        # Extra fields (an author, a state, a role...) are refused, never applied.
        unknown = RAISE


class TokenRequest(Strict):
    email = fields.String(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, validate=validate.Length(max=500))


class TokenResponse(Schema):
    token = fields.String()


class IdResponse(Schema):
    id = fields.Integer()


class OrganisationRequest(Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(ORGANISATION_KINDS))
    nip = fields.String(load_default="", validate=validate.Length(max=20))
    city = fields.String(load_default="", validate=validate.Length(max=100))


class UserRequest(Strict):
    email = fields.String(required=True, validate=validate.Length(max=254))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    password = fields.String(required=True, validate=validate.Length(max=500))
    organisation_id = fields.Integer(required=True, allow_none=True)


class ClusterRequest(Strict):
    slug = fields.String(required=True, validate=validate.Length(min=1, max=60))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    sector = fields.String(required=True, validate=validate.OneOf(SECTORS))
    goal = fields.String(load_default="", validate=validate.Length(max=5000))


class MemberRequest(Strict):
    user_id = fields.Integer(required=True)
    role = fields.String(required=True, validate=validate.OneOf([r.value for r in MEMBERSHIP_ROLES]))


class ClusterSummary(Schema):
    slug = fields.String()
    name = fields.String()
    sector = fields.String()
    my_role = fields.String()


class ClusterList(Schema):
    clusters = fields.List(fields.Nested(ClusterSummary))


class SectionSummary(Schema):
    key = fields.String()
    title = fields.String()
    kind = fields.String()
    revision = fields.Integer()


class UnmetEntry(Schema):
    code = fields.String()
    message = fields.String()


class StageAction(Schema):
    """A transition the caller may run now (allowed), or one their role has that waits (unmet)."""

    action = fields.String()
    allowed = fields.Boolean()
    unmet = fields.List(fields.Nested(UnmetEntry))


class StageReason(Schema):
    """Why the stage was returned or reopened; shown until it is submitted again."""

    action = fields.String()
    reason = fields.String()
    by = fields.String()
    at = fields.String(allow_none=True)


class StageDetail(Schema):
    key = fields.String()
    state = fields.String()
    needs_review = fields.Boolean()
    sections = fields.List(fields.Nested(SectionSummary))
    # Read from workflows.status, like the cluster page.
    waiting_for = fields.List(fields.Nested(UnmetEntry))
    actions = fields.List(fields.Nested(StageAction))
    reason = fields.Nested(StageReason, allow_none=True)


class SigningDetail(Schema):
    adopted = fields.Boolean()
    can_sign = fields.Boolean()
    can_withdraw = fields.Boolean()
    missing_kinds = fields.List(fields.String())


class ClusterDetail(Schema):
    slug = fields.String()
    name = fields.String()
    sector = fields.String()
    goal = fields.String()
    my_role = fields.String()
    stages = fields.List(fields.Nested(StageDetail))
    adopted = fields.Boolean()
    #: The first stage not approved; null once adopted.
    current_stage = fields.String(allow_none=True)
    signing = fields.Nested(SigningDetail)


class TransitionRequest(Strict):
    action = fields.String(
        required=True, validate=validate.OneOf(["open", "submit", "approve", "return", "reopen", "confirm"])
    )
    reason = fields.String(load_default="", allow_none=True, validate=validate.Length(max=10_000))


class StateResponse(Schema):
    state = fields.String()


class SectionBody(Schema):
    key = fields.String()
    kind = fields.String()
    content = fields.Raw()
    revision = fields.Integer()


class SectionSave(Strict):
    content = fields.Raw(required=True, allow_none=False)
    base_revision = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0))


class SaveResponse(Schema):
    revision = fields.Integer()
    merged = fields.Boolean()
    merged_with = fields.List(fields.String())


class RevisionItem(Schema):
    revision = fields.Integer()
    author = fields.String(allow_none=True)
    created_at = fields.DateTime()
    merged = fields.Boolean()
    change_size = fields.Integer()


class RevisionList(Schema):
    revisions = fields.List(fields.Nested(RevisionItem))


class RevisionQuery(Bounded):
    before = fields.Integer(load_default=None, validate=validate.Range(min=1))


class DocumentBody(Schema):
    id = fields.Integer()
    version = fields.Integer()
    status = fields.String()
    progress = fields.Integer()
    step = fields.String()
    final = fields.Boolean()
    sha256 = fields.String(allow_none=True)
    size = fields.Integer(allow_none=True)
    error = fields.String()
    queued_for_later = fields.Boolean()
    pdf_status = fields.String(
        metadata={"description": "none (not made yet), ready, unavailable (no LibreOffice here), failed"}
    )


class ProposalRequest(Strict):
    # Content shape, note length and the base's existence are checked by the operation,
    # which names the field in the caller's language.
    content = fields.Raw(required=True, allow_none=False)
    base_revision = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    note = fields.String(load_default=None, allow_none=True)


class ProposalCreated(Schema):
    id = fields.Integer()
    status = fields.String(metadata={"description": "open"})


class ProposalItem(Schema):
    id = fields.Integer()
    author = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "open, accepted, rejected, withdrawn or outdated"})
    base_revision = fields.Integer()
    note = fields.String()
    created_at = fields.DateTime()
    reason = fields.String(metadata={"description": "why it was rejected"})
    revision = fields.Integer(allow_none=True, metadata={"description": "the revision it became"})
    source = fields.String(metadata={"description": "where it came from, e.g. upload:12; empty if typed"})


class ProposalList(Schema):
    proposals = fields.List(fields.Nested(ProposalItem))


class ProposalBody(ProposalItem):
    section = fields.String()
    content = fields.Raw()
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)


class AcceptRequest(Strict):
    """Empty to accept as proposed; after a conflict, the choice made on it."""

    resolution = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(RESOLUTIONS))
    theirs_revision = fields.Integer(load_default=None, allow_none=True, strict=True)


class AcceptResponse(Schema):
    revision = fields.Integer()
    merged = fields.Boolean()
    merged_with = fields.List(fields.String())


class RejectRequest(Strict):
    reason = fields.String(load_default=None, allow_none=True)


class ProposalStatus(Schema):
    id = fields.Integer()
    status = fields.String()


# --- polls (webapp/api/polls.py) --------------------------------------------------------


class PollOptionRequest(Strict):
    """A typed option (`label`) or an item of a structured section (`section`, `item_id`)."""

    label = fields.String(validate=validate.Length(min=1, max=500))
    section = fields.String(validate=validate.Length(min=1, max=50))
    item_id = fields.String(validate=validate.Length(min=1, max=64))

    @validates_schema
    def _label_or_item(self, data: dict, **_kwargs: object) -> None:
        if ("label" in data) == ("section" in data or "item_id" in data):
            raise ValidationError("give either a label, or a section and an item_id")
        if ("section" in data) != ("item_id" in data):
            raise ValidationError("an item needs both its section and its item_id")


class PollRequest(Strict):
    question = fields.String(required=True, validate=validate.Length(min=1, max=500))
    kind = fields.String(required=True, validate=validate.OneOf(["dot", "ranking", "score", "choice"]))
    options = fields.List(fields.Nested(PollOptionRequest), required=True, validate=validate.Length(max=50))
    voter = fields.String(load_default="organisation", validate=validate.OneOf(["organisation", "person"]))
    dots = fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1, max=100)
    )
    max_per_option = fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1, max=100)
    )
    multiple = fields.Boolean(
        load_default=False, metadata={"description": "choice: several options may be chosen"}
    )
    anonymous = fields.Boolean(load_default=False)
    hide_results = fields.Boolean(
        load_default=False, metadata={"description": "until the voter voted or it closed"}
    )
    invite_observers = fields.Boolean(load_default=False)
    closes_at = fields.AwareDateTime(load_default=None, allow_none=True)
    meeting_id = fields.Integer(load_default=None, allow_none=True, strict=True)


class PollVoteRequest(Strict):
    """Exactly one of the four, the one of the poll's kind."""

    dots = fields.Dict(
        keys=fields.String(validate=validate.Length(max=12)), values=fields.Integer(strict=True)
    )
    ranking = fields.List(fields.Integer(strict=True), validate=validate.Length(max=50))
    scores = fields.Dict(
        keys=fields.String(validate=validate.Length(max=12)), values=fields.Integer(strict=True)
    )
    choices = fields.List(fields.Integer(strict=True), validate=validate.Length(max=50))

    @validates_schema
    def _one_ballot(self, data: dict, **_kwargs: object) -> None:
        if len(data) != 1:
            raise ValidationError("give exactly one of dots, ranking, scores, choices")
        for name in ("dots", "scores"):
            if len(data.get(name) or {}) > 50:
                raise ValidationError({name: ["at most 50 options"]})


class PollOptionBody(Schema):
    id = fields.Integer()
    label = fields.String()
    section = fields.String(allow_none=True)
    item_id = fields.String(allow_none=True)


class PollSummary(Schema):
    id = fields.Integer()
    question = fields.String()
    kind = fields.String()
    status = fields.String(metadata={"description": "open, closed (scheduled: not open yet)"})
    closes_at = fields.DateTime(allow_none=True)


class PollList(Schema):
    polls = fields.List(fields.Nested(PollSummary))


class PollBody(PollSummary):
    voter = fields.String()
    cluster = fields.String()
    dots = fields.Integer(allow_none=True)
    max_per_option = fields.Integer(allow_none=True)
    multiple = fields.Boolean()
    anonymous = fields.Boolean()
    hide_results = fields.Boolean()
    meeting_id = fields.Integer(allow_none=True)
    options = fields.List(fields.Nested(PollOptionBody))
    my_vote = fields.Dict(
        allow_none=True, metadata={"description": "the caller's (or their organisation's) ballot"}
    )
    may_vote = fields.Boolean()


class PollTurnout(Schema):
    voted = fields.Integer()
    eligible = fields.Integer()


class PollOptionResult(Schema):
    id = fields.Integer()
    label = fields.String()
    total = fields.Integer()
    place = fields.Integer()
    by_kind = fields.Dict(keys=fields.String(), values=fields.Integer())
    observers = fields.Integer(metadata={"description": "invited observers' points, never in the total"})


class PollResults(Schema):
    turnout = fields.Nested(PollTurnout)
    ballots = fields.Integer()
    observer_ballots = fields.Integer()
    options = fields.List(fields.Nested(PollOptionResult))
