from __future__ import annotations

from competition.mail import render_email
from tests.factories import CategoryFactory


def test_render_email_keeps_ampersands_and_folds_the_subject_to_one_line(db):
    category = CategoryFactory(name="Kraków & okolice\r\nBcc: x@example.org")

    subject, body = render_email(
        "scoring/email/invitation", {"category": category, "link": "https://a.example/?a=1&b=2"}
    )

    assert "\n" not in subject and "\r" not in subject
    assert "Kraków & okolice Bcc: x@example.org" in subject
    assert "Kraków & okolice" in body
    assert "https://a.example/?a=1&b=2" in body
    assert "&amp;" not in subject + body
