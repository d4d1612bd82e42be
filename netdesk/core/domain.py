"""The playbook's vocabulary: ties, ways of knowing someone, interaction kinds, states."""

from __future__ import annotations

from enum import StrEnum


class Tie(StrEnum):
    ADVOCATE = "advocate"
    WORK_ACQUAINTANCE = "work_acquaintance"
    UNSORTED = "unsorted"

    @property
    def label(self) -> str:
        return TIE_LABELS[self]


TIE_LABELS = {
    Tie.ADVOCATE: "Advocate",
    Tie.WORK_ACQUAINTANCE: "Work acquaintance",
    Tie.UNSORTED: "Unsorted",
}

# Shown wherever the user chooses a tie, so the choice means the same to everyone.
TIE_DEFINITIONS = {
    Tie.ADVOCATE: (
        "Knows your work well and can speak about it in specific detail: a current or "
        "former manager, a direct colleague, someone who carried a significant volunteer "
        "project with you. Gives references and in-depth advice."
    ),
    Tie.WORK_ACQUAINTANCE: (
        "Knows you and your work, but not well: one brief interaction, or someone met at a "
        "work-related networking event. Hears about roles at similar companies."
    ),
    Tie.UNSORTED: (
        "Imported, not yet classified. Sort them so NetDesk knows how often to remind you."
    ),
}


class HowKnown(StrEnum):
    MANAGER = "manager"
    COLLEAGUE = "colleague"
    VOLUNTEER_PROJECT = "volunteer_project"
    NETWORKING_EVENT = "networking_event"
    RECRUITER = "recruiter"
    ALUMNI = "alumni"
    OTHER = "other"
    UNKNOWN = ""

    @property
    def label(self) -> str:
        return HOW_KNOWN_LABELS[self]


HOW_KNOWN_LABELS = {
    HowKnown.MANAGER: "Manager",
    HowKnown.COLLEAGUE: "Colleague",
    HowKnown.VOLUNTEER_PROJECT: "Volunteer project",
    HowKnown.NETWORKING_EVENT: "Networking event",
    HowKnown.RECRUITER: "Recruiter",
    HowKnown.ALUMNI: "Alumni",
    HowKnown.OTHER: "Other",
    HowKnown.UNKNOWN: "Not set",
}


class InteractionKind(StrEnum):
    EMAIL = "email"
    CALL = "call"
    MEETING = "meeting"
    COFFEE = "coffee"
    MESSAGE = "message"
    NETWORKING_EVENT = "networking_event"
    STATUS_UPDATE = "status_update"
    THANK_YOU = "thank_you"
    GIFT = "gift"
    REFERENCE_GIVEN = "reference_given"
    INTRODUCTION = "introduction"
    REFERRAL = "referral"
    NOTE = "note"
    CONNECTED = "connected"  # e.g. LinkedIn's "Connected On"
    INVITATION = "invitation"  # an invitation to connect that carried a note (LinkedIn)
    ENDORSEMENT = "endorsement"  # they endorsed a skill of the user's (LinkedIn)

    @property
    def label(self) -> str:
        return INTERACTION_LABELS[self]


INTERACTION_LABELS = {
    InteractionKind.EMAIL: "Email",
    InteractionKind.CALL: "Call",
    InteractionKind.MEETING: "Meeting",
    InteractionKind.COFFEE: "Coffee chat",
    InteractionKind.MESSAGE: "Message",
    InteractionKind.NETWORKING_EVENT: "Networking event",
    InteractionKind.STATUS_UPDATE: "Status update",
    InteractionKind.THANK_YOU: "Thank-you",
    InteractionKind.GIFT: "Gift",
    InteractionKind.REFERENCE_GIVEN: "Reference given",
    InteractionKind.INTRODUCTION: "Introduction",
    InteractionKind.REFERRAL: "Referral",
    InteractionKind.NOTE: "Note",
    InteractionKind.CONNECTED: "Connected",
    InteractionKind.INVITATION: "Invitation",
    InteractionKind.ENDORSEMENT: "Endorsement",
}

# A note is something the user wrote down, not a touch: it does not reset cadences. Nor is
# an endorsement: a click on the contact's side, whose help rule 4 still thanks for.
NOT_A_TOUCH = frozenset({InteractionKind.NOTE, InteractionKind.ENDORSEMENT})

# Meetings that call for a follow-up within days (playbook rule 2).
MEETING_KINDS = frozenset(
    {
        InteractionKind.NETWORKING_EVENT,
        InteractionKind.COFFEE,
        InteractionKind.INTRODUCTION,
        InteractionKind.MEETING,
        InteractionKind.CALL,
        # An invitation to connect with a note in it: the first words of a new connection.
        InteractionKind.INVITATION,
    }
)

# What the user and a contact did together, as rule 2 reads the timeline: every touch but an
# imported connection date (LinkedIn's "Connected On"), which is neither a meeting nor a
# follow-up to one, only a click.
NOT_AN_EXCHANGE = NOT_A_TOUCH | {InteractionKind.CONNECTED}


class Direction(StrEnum):
    OUTGOING = "outgoing"  # the user reached out
    INCOMING = "incoming"  # they reached out
    MUTUAL = "mutual"  # met in person, a call


class FollowUpReason(StrEnum):
    CADENCE = "cadence"  # rule 1: regular contact
    MET_NO_FOLLOW_UP = "met_no_follow_up"  # rule 2
    STATUS_UPDATE = "status_update"  # rule 3
    THANK_YOU = "thank_you"  # rules 4-6
    REFERENCE_HEADS_UP = "reference_heads_up"  # rule 9
    SORT = "sort"  # unsorted contacts waiting to be classified

    @property
    def label(self) -> str:
        return FOLLOW_UP_LABELS[self]


FOLLOW_UP_LABELS = {
    FollowUpReason.CADENCE: "Keep in touch",
    FollowUpReason.MET_NO_FOLLOW_UP: "Follow up after meeting",
    FollowUpReason.STATUS_UPDATE: "Send a status update",
    FollowUpReason.THANK_YOU: "Say thank you",
    FollowUpReason.REFERENCE_HEADS_UP: "Reference heads-up",
    FollowUpReason.SORT: "Sort contact",
}

# Reasons the rules compute from the timeline; the others are created by workflows.
RULE_REASONS = frozenset(
    {FollowUpReason.CADENCE, FollowUpReason.MET_NO_FOLLOW_UP, FollowUpReason.STATUS_UPDATE}
)


class FollowUpRule(StrEnum):
    """Which rule of the playbook asked for a follow-up. Kept with it, so that no one has to
    tell rule 4's thank-you from the wrap-up's by reading its words."""

    CADENCE = "cadence"  # rule 1
    MET_NO_FOLLOW_UP = "met_no_follow_up"  # rule 2
    STATUS_UPDATE = "status_update"  # rule 3
    GRATITUDE = "gratitude"  # rule 4
    WRAP_UP = "wrap_up"  # rules 5-8
    REFERENCE_HEADS_UP = "reference_heads_up"  # rule 9

    @property
    def short_label(self) -> str:
        """A few words for one line of the follow-ups list or a notification."""
        return RULE_SHORT_LABELS[self]

    @property
    def suggested_action(self) -> str:
        """What to do about it, in one sentence: under the full sentence of a follow-up."""
        return RULE_ACTIONS[self]


RULE_SHORT_LABELS = {
    FollowUpRule.CADENCE: "Keep in touch",
    FollowUpRule.MET_NO_FOLLOW_UP: "Follow up after meeting",
    FollowUpRule.STATUS_UPDATE: "Send a status update",
    FollowUpRule.GRATITUDE: "Say thank you",
    FollowUpRule.WRAP_UP: "Offer wrap-up",
    FollowUpRule.REFERENCE_HEADS_UP: "Reference heads-up",
}

RULE_ACTIONS = {
    FollowUpRule.CADENCE: "Send a short note: what you are working on, and a question about them.",
    FollowUpRule.MET_NO_FOLLOW_UP: (
        "Write while they still remember you: thank them for their time and recall one "
        "thing you talked about."
    ),
    FollowUpRule.STATUS_UPDATE: (
        "Send a one- or two-line update on your search, with no request in it, and thank "
        "them for reading."
    ),
    FollowUpRule.GRATITUDE: "Thank them, and name what they did that helped.",
    FollowUpRule.WRAP_UP: (
        "Tell them how your search ended, thank them, and keep the relationship going."
    ),
    FollowUpRule.REFERENCE_HEADS_UP: (
        "Tell them a reference check is coming: the role, the company, and what to stress."
    ),
}


# The rule behind each reason the rules compute from the timeline.
RULE_OF_REASON = {
    FollowUpReason.CADENCE: FollowUpRule.CADENCE,
    FollowUpReason.MET_NO_FOLLOW_UP: FollowUpRule.MET_NO_FOLLOW_UP,
    FollowUpReason.STATUS_UPDATE: FollowUpRule.STATUS_UPDATE,
}


# The interaction that answers each kind of follow-up: what Done logs (or offers first).
ANSWERING_KIND = {
    FollowUpReason.CADENCE: InteractionKind.MESSAGE,
    FollowUpReason.MET_NO_FOLLOW_UP: InteractionKind.MESSAGE,
    FollowUpReason.STATUS_UPDATE: InteractionKind.STATUS_UPDATE,
    FollowUpReason.THANK_YOU: InteractionKind.THANK_YOU,
    FollowUpReason.REFERENCE_HEADS_UP: InteractionKind.MESSAGE,
}


class FollowUpState(StrEnum):
    DUE = "due"
    DONE = "done"
    SNOOZED = "snoozed"
    DISMISSED = "dismissed"


class SearchState(StrEnum):
    SEARCHING = "searching"
    OFFER_RECEIVED = "offer_received"
    OFFER_ACCEPTED = "offer_accepted"
    PAUSED = "paused"
    NOT_STARTED = "not_started"

    @property
    def active(self) -> bool:
        """While the search is active, status updates are due (rule 3)."""
        return self in (SearchState.SEARCHING, SearchState.OFFER_RECEIVED)


class CompanyStatus(StrEnum):
    NONE = ""
    INTERESTED = "interested"
    APPLIED = "applied"
    INTERVIEWING = "interviewing"
    OFFER = "offer"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return self.value.capitalize() if self.value else "No status"


# Statuses that mean the user applied there, whatever happened next (the status-update
# composer's "where I applied" filter).
APPLIED_STATUSES = frozenset(
    {
        CompanyStatus.APPLIED,
        CompanyStatus.INTERVIEWING,
        CompanyStatus.OFFER,
        CompanyStatus.ACCEPTED,
        CompanyStatus.DECLINED,
        CompanyStatus.REJECTED,
    }
)
