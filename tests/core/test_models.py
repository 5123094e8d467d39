"""The domain objects themselves."""

from __future__ import annotations

import dataclasses

from rolodex.core.models import Contact, PartialDate, contact_from_dict
from tests.store.test_store import full_contact


def test_a_contact_copy_equals_it_and_shares_nothing_mutable() -> None:
    c = full_contact()
    copy = c.copy()
    assert copy == c and copy.to_dict() == c.to_dict() == contact_from_dict(c.to_dict()).to_dict()
    # Every field that holds something mutable holds a new one: a field added to Contact
    # later fails here until copy() copies it too.
    immutable = (str, int, float, bool, type(None), PartialDate)
    for f in dataclasses.fields(Contact):
        value = getattr(c, f.name)
        if isinstance(value, immutable) or hasattr(value, "isoformat"):
            continue
        assert getattr(copy, f.name) is not value, f.name
        if isinstance(value, list):
            for mine, theirs in zip(getattr(copy, f.name), value, strict=True):
                assert isinstance(mine, str) or mine is not theirs, f.name
    # Changing the copy everywhere leaves the original as it was.
    before = c.to_dict()
    copy.emails[0].address = "changed@example.com"
    copy.phones.append(copy.phones[0])
    copy.addresses[0].locality = "Elsewhere"
    copy.tags.append("new")
    copy.custom["new"] = "value"
    copy.vcard_extra.append("X-NEW:1")
    copy.provenance.source = "elsewhere"
    copy.consents[0].granted = not copy.consents[0].granted
    assert c.to_dict() == before


def test_models_pickle_as_their_field_values() -> None:
    """What an import's reader process sends: every field comes back, nested ones too."""
    import copy
    import datetime as dt
    import pickle

    from rolodex.core.models import Account, Phone, Task

    c = full_contact()
    task = Task(title="Call back", due_date=dt.date(2026, 12, 1), exdates=[dt.date(2026, 12, 8)])
    account = Account(name="Analytical Engines", phones=[Phone("+44 20 7946 0958")])
    for obj in (c, task, account, PartialDate(None, 2, 29)):
        back = pickle.loads(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
        assert type(back) is type(obj) and back == obj
        assert copy.deepcopy(obj) == obj
    back = pickle.loads(pickle.dumps(c))
    assert back.to_dict() == c.to_dict() and back.emails[0] is not c.emails[0]
