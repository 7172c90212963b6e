"""The site's plain-text e-mails: rendered without HTML escaping, with a one-line subject."""

from __future__ import annotations

from django.template.loader import render_to_string


def render_email(template: str, context: dict) -> tuple[str, str]:
    """The subject (`<template>_subject.txt`) and body (`<template>.txt`) of an e-mail.

    Rendered by the "text" template engine, which does not escape HTML. The subject's
    whitespace, line breaks included, is folded into single spaces: a name typed with a line
    break must not make the mail a header-injection error after the data is saved.
    """
    subject = render_to_string(f"{template}_subject.txt", context, using="text")
    body = render_to_string(f"{template}.txt", context, using="text")
    return " ".join(subject.split()), body
