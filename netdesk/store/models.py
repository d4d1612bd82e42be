"""Peewee models of the store, bound to a proxy so each process (and each test) opens its own."""

from __future__ import annotations

from typing import Any

import peewee as pw

from netdesk.core.clock import local_now_exact
from netdesk.core.domain import (
    CompanyStatus,
    Direction,
    FollowUpState,
    HowKnown,
    SearchState,
    Tie,
)
from netdesk.core.records import split_tags

db = pw.DatabaseProxy()


class BaseModel(pw.Model):
    id = pw.AutoField()

    class Meta:
        database = db
        legacy_table_names = False


class SchemaVersion(BaseModel):
    version = pw.IntegerField()
    changed_at = pw.DateTimeField(default=local_now_exact)


class Setting(BaseModel):
    key = pw.CharField(unique=True)
    value = pw.TextField()  # JSON


class ImportBatch(BaseModel):
    created_at = pw.DateTimeField(default=local_now_exact)
    sources = pw.TextField(default="")  # file names, one per line
    added = pw.IntegerField(default=0)
    updated = pw.IntegerField(default=0)
    # JSON list of {"contact_id", "before": {...}} for contacts the batch changed, so that
    # undoing it puts them back as they were.
    undo_data = pw.TextField(default="[]")
    undone_at = pw.DateTimeField(null=True)


class Company(BaseModel):
    name = pw.CharField()
    key = pw.CharField(unique=True)  # matching.company_key(name): one company, however spelled
    status = pw.CharField(default=CompanyStatus.NONE.value)
    status_changed_at = pw.DateTimeField(null=True)
    notes = pw.TextField(default="")
    created_at = pw.DateTimeField(default=local_now_exact)


class Contact(BaseModel):
    display_name = pw.CharField()
    given_name = pw.CharField(default="")
    family_name = pw.CharField(default="")
    middle_name = pw.CharField(default="")
    prefix = pw.CharField(default="")
    suffix = pw.CharField(default="")
    nickname = pw.CharField(default="")
    company = pw.ForeignKeyField(Company, null=True, backref="contacts", on_delete="SET NULL")
    company_id: int | None
    title = pw.CharField(default="")
    how_known = pw.CharField(default=HowKnown.UNKNOWN.value)
    tie = pw.CharField(default=Tie.UNSORTED.value, index=True)
    cadence_days = pw.IntegerField(null=True)
    reference_consent = pw.BooleanField(default=False)
    reference_agreed_on = pw.DateField(null=True)
    above_and_beyond = pw.BooleanField(default=False)
    notes = pw.TextField(default="")
    photo = pw.BlobField(null=True)
    photo_mime = pw.CharField(default="")
    linkedin_url = pw.CharField(default="")
    linkedin_key = pw.CharField(default="", index=True)
    urls = pw.TextField(default="")  # one per line
    birthday = pw.CharField(default="")  # YYYY-MM-DD or --MM-DD
    tags = pw.TextField(default="")  # comma-separated
    uid = pw.CharField(default="")
    archived = pw.BooleanField(default=False)
    created_at = pw.DateTimeField(default=local_now_exact)
    updated_at = pw.DateTimeField(default=local_now_exact)
    import_batch = pw.ForeignKeyField(ImportBatch, null=True, on_delete="SET NULL")
    import_batch_id: int | None
    # A summary of the timeline, kept in step by the store so the rules and the contact
    # list never have to scan half a million interactions.
    touch_count = pw.IntegerField(default=0)
    first_touch_at = pw.DateTimeField(null=True)
    first_touch_kind = pw.CharField(default="")
    first_touch_summary = pw.CharField(default="")
    last_touch_at = pw.DateTimeField(null=True, index=True)
    next_due_at = pw.DateTimeField(null=True, index=True)
    # When the user last dismissed a rule's follow-up: the rules count from the later of
    # this and the last touch, so a dismissal skips one round instead of silencing them.
    rules_reset_at = pw.DateTimeField(null=True)
    # Schema 8: the rest of the card's ORG after the company (one unit per line), ROLE,
    # and an anniversary written as a birthday.
    role = pw.CharField(default="")
    org_units = pw.TextField(default="")
    anniversary = pw.CharField(default="")

    @property
    def tag_list(self) -> list[str]:
        return split_tags(str(self.tags))


# A contact's card rows are indexed by contact and position (schema 13): read in order.
_CARD_ROWS = ((("contact", "position"), False),)


class ContactEmail(BaseModel):
    contact = pw.ForeignKeyField(Contact, backref="email_rows", on_delete="CASCADE", index=False)
    contact_id: int
    email = pw.CharField()
    key = pw.CharField(index=True)  # matching.normalize_email
    position = pw.IntegerField(default=0)
    # Schema 8: "work,voice" (lower case), vCard 4.0 PREF (1 most preferred, 0 none), the
    # group written before the name (`item1`), and every other parameter as written.
    types = pw.CharField(default="")
    pref = pw.IntegerField(default=0)
    grp = pw.CharField(default="")
    params = pw.TextField(default="")

    class Meta:
        indexes = _CARD_ROWS


class ContactPhone(BaseModel):
    contact = pw.ForeignKeyField(Contact, backref="phone_rows", on_delete="CASCADE", index=False)
    contact_id: int
    phone = pw.CharField()
    key = pw.CharField(index=True)  # matching.normalize_phone
    position = pw.IntegerField(default=0)
    # Schema 8: "work,voice" (lower case), vCard 4.0 PREF (1 most preferred, 0 none), the
    # group written before the name (`item1`), and every other parameter as written.
    types = pw.CharField(default="")
    pref = pw.IntegerField(default=0)
    grp = pw.CharField(default="")
    params = pw.TextField(default="")

    class Meta:
        indexes = _CARD_ROWS


class Interaction(BaseModel):
    contact = pw.ForeignKeyField(Contact, backref="interactions", on_delete="CASCADE")
    contact_id: int
    kind = pw.CharField()
    at = pw.DateTimeField()
    summary = pw.TextField(default="")
    helped = pw.TextField(default="")  # what they did that helped: named in the thank-you
    direction = pw.CharField(default=Direction.OUTGOING.value)
    created_at = pw.DateTimeField(default=local_now_exact)
    import_batch = pw.ForeignKeyField(ImportBatch, null=True, on_delete="SET NULL")
    # Schema 11: where an imported interaction came from ("linkedin", "mail"; "" when the
    # user logged it) and the key naming it there, so a re-import adds only what is new.
    source = pw.CharField(default="")
    source_key = pw.CharField(default="")

    class Meta:
        indexes = ((("contact", "at"), False),)


class FollowUp(BaseModel):
    contact = pw.ForeignKeyField(Contact, backref="follow_ups", on_delete="CASCADE")
    contact_id: int
    reason = pw.CharField()  # FollowUpReason
    due_at = pw.DateTimeField()
    state = pw.CharField(default=FollowUpState.DUE.value)
    snoozed_until = pw.DateTimeField(null=True)
    # When it is shown as due: the snooze end while snoozed, else the due date.
    effective_at = pw.DateTimeField(index=True)
    notified_at = pw.DateTimeField(null=True)
    resolved_at = pw.DateTimeField(null=True)
    note = pw.TextField(default="")  # the reason in words, for follow-ups workflows create
    # Which playbook rule asked for it (FollowUpRule; schema 7): rule 4's thank-you and the
    # wrap-up's share a reason but not a rule, and each must find its own.
    rule = pw.CharField(default="")
    created_at = pw.DateTimeField(default=local_now_exact)

    class Meta:
        # The open ones by effective_at come from a partial index (schema 3), which replaced
        # one on (state, effective_at).
        indexes = ((("contact", "state"), False),)


class JobSearch(BaseModel):
    started_on = pw.DateField(null=True)
    state = pw.CharField(default=SearchState.NOT_STARTED.value)
    offer_company = pw.ForeignKeyField(Company, null=True, on_delete="SET NULL")
    offer_company_id: int | None
    joining_offer_company = pw.BooleanField(default=False)
    updated_at = pw.DateTimeField(default=local_now_exact)


ALL_MODELS: list[type[Any]] = [
    SchemaVersion,
    Setting,
    ImportBatch,
    Company,
    Contact,
    ContactEmail,
    ContactPhone,
    Interaction,
    FollowUp,
    JobSearch,
]


class ReferenceRequest(BaseModel):
    """One time the user asked a contact to be a reference (schema 4)."""

    contact = pw.ForeignKeyField(Contact, backref="reference_requests", on_delete="CASCADE")
    contact_id: int
    company = pw.ForeignKeyField(Company, null=True, on_delete="SET NULL")
    company_id: int | None
    asked_at = pw.DateTimeField()
    check_at = pw.DateTimeField(null=True)  # when the employer is expected to call
    notes = pw.TextField(default="")
    follow_up = pw.ForeignKeyField(FollowUp, null=True, on_delete="SET NULL")
    follow_up_id: int | None
    created_at = pw.DateTimeField(default=local_now_exact)


class WrapUpStep(BaseModel):
    """The offer wrap-up's state for one contact: thanked when and how, the gift sent (schema 4)."""

    contact = pw.ForeignKeyField(Contact, backref="wrapup_steps", on_delete="CASCADE", unique=True)
    contact_id: int
    follow_up = pw.ForeignKeyField(FollowUp, null=True, on_delete="SET NULL")
    follow_up_id: int | None
    thanked_at = pw.DateTimeField(null=True)
    channel = pw.CharField(default="")
    gift_note = pw.TextField(default="")
    created_at = pw.DateTimeField(default=local_now_exact)

    class Meta:
        table_name = "wrapup_step"


ALL_MODELS.extend([ReferenceRequest, WrapUpStep])


class ContactUrl(BaseModel):
    """A web address of a contact with its types (schema 8); the LinkedIn profile is one."""

    contact = pw.ForeignKeyField(Contact, backref="url_rows", on_delete="CASCADE", index=False)
    contact_id: int
    url = pw.TextField()
    types = pw.CharField(default="")
    pref = pw.IntegerField(default=0)
    grp = pw.CharField(default="")
    params = pw.TextField(default="")
    position = pw.IntegerField(default=0)

    class Meta:
        indexes = _CARD_ROWS


class ContactAddress(BaseModel):
    """A postal address of a contact, by part, with its types (schema 8)."""

    contact = pw.ForeignKeyField(Contact, backref="address_rows", on_delete="CASCADE", index=False)
    contact_id: int
    po_box = pw.TextField(default="")
    extended = pw.TextField(default="")
    street = pw.TextField(default="")
    locality = pw.TextField(default="")
    region = pw.TextField(default="")
    postal_code = pw.TextField(default="")
    country = pw.TextField(default="")
    label = pw.TextField(default="")
    types = pw.CharField(default="")
    pref = pw.IntegerField(default=0)
    grp = pw.CharField(default="")
    params = pw.TextField(default="")
    position = pw.IntegerField(default=0)

    class Meta:
        indexes = _CARD_ROWS


class ContactProperty(BaseModel):
    """A property of a contact's card NetDesk does not model, kept as written (schema 8)."""

    contact = pw.ForeignKeyField(Contact, backref="property_rows", on_delete="CASCADE", index=False)
    contact_id: int
    grp = pw.CharField(default="")
    name = pw.CharField()  # upper case, without the group
    params = pw.TextField(default="")  # ";TYPE=work;X-FOO=bar", vCard 4.0 syntax
    value = pw.TextField(default="")  # the value as written, escapes kept
    position = pw.IntegerField(default=0)

    class Meta:
        indexes = _CARD_ROWS


ALL_MODELS.extend([ContactUrl, ContactAddress, ContactProperty])


class NotDuplicate(BaseModel):
    """Two contacts the user said are two people: the duplicate scan does not pair them
    again (schema 10; lower id first)."""

    first = pw.ForeignKeyField(Contact, backref="+", on_delete="CASCADE", index=False)
    first_id: int
    second = pw.ForeignKeyField(Contact, backref="+", on_delete="CASCADE")
    second_id: int
    created_at = pw.DateTimeField(default=local_now_exact)

    class Meta:
        indexes = ((("first", "second"), True),)


ALL_MODELS.append(NotDuplicate)
