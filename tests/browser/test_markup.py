"""Every page of the site passes html-validate (npm), as each role, in Polish and in English.

The demo is loaded once and crawled like the language check does (tests/cms/language.py):
every link a person could click, once per route. The Wagtail admin is left out: its markup is
Wagtail's, and our admin templates only fill its blocks. The pages are written to files and
checked in one run of html-validate with the project's `.htmlvalidate.json`: the standard,
accessibility and document presets, with two changes. Subresource integrity is asked only of
files from another origin (ours come from our own server). `no-redundant-for` is off: Django's
own radio and checkbox widgets put the input inside a label that also names it with `for`,
which is valid HTML.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from wagtail.users.models import UserProfile

from tests.cms.language import Crawl, Dictionary, Leak, page_text

ROOT = Path(__file__).resolve().parents[2]
HTML_VALIDATE = ROOT / "node_modules" / ".bin" / "html-validate"
ROLES = ["anonymous", "wnioskodawca", "juror1", "przewodniczaca", "organizator", "redaktor"]

# The editors' user bar is Wagtail's markup, injected into the site's pages for staff.
USERBAR = re.compile(
    r"<!-- Wagtail user bar embed code -->.*?<!-- end Wagtail user bar embed code -->", re.S
)

pytestmark = pytest.mark.browser


@dataclass
class MarkupCrawl(Crawl):
    """Keeps the HTML of every site page it reaches instead of looking for language leaks."""

    documents: dict[str, str] = field(default_factory=dict)

    def _route(self, url: str) -> str | None:
        if urlsplit(url).path.startswith("/admin/"):
            return None
        return super()._route(url)

    def _check(self, url: str, response) -> Iterator[Leak]:
        html = response.content.decode()
        self.documents[url] = USERBAR.sub("", html)
        _texts, self._links = page_text(html)
        yield from ()


def _client(role: str, language: str) -> Client:
    client = Client()
    if role != "anonymous":
        user = get_user_model().objects.get(username=role)
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = language
        profile.save(update_fields=["preferred_language"])
        client.force_login(user)
    return client


def _crawl(tmp_path: Path) -> dict[Path, str]:
    call_command("load_demo", stdout=StringIO())
    files: dict[Path, str] = {}
    for role in ROLES:
        for language in ("pl", "en"):
            prefix = "/en" if language == "en" else ""
            start = [f"{prefix}{p}" for p in ("/", "/zgloszenia/", "/jury/", "/szukaj/?q=gmina")]
            start += [f"{prefix}/konto/login/", f"{prefix}/styleguide/"]
            crawl = MarkupCrawl(_client(role, language), role, language, Dictionary([]), set())
            list(crawl.run(start, limit=300))
            for url, html in crawl.documents.items():
                path = tmp_path / f"{len(files):04d}.html"
                path.write_text(html, encoding="utf-8")
                files[path] = f"{role} {language} {url}"
    return files


def test_every_site_page_passes_html_validate(db, tmp_path):
    if not HTML_VALIDATE.exists():
        pytest.fail("node_modules/.bin/html-validate is missing: run `npm install`")
    files = _crawl(tmp_path)
    assert len(files) > 100, f"the crawl reached only {len(files)} pages"
    # A report of many pages is cut short on a pipe (node exits before stdout drains): a file.
    report_file = tmp_path / "report.json"
    subprocess.run(
        [
            str(HTML_VALIDATE),
            "--config",
            str(ROOT / ".htmlvalidate.json"),
            "--formatter",
            f"json={report_file}",
            *map(str, files),
        ],
        capture_output=True,
        cwd=ROOT,
        check=False,
    )
    reports = json.loads(report_file.read_text(encoding="utf-8"))
    errors = [
        f"{files[Path(report['filePath']).resolve()]}: {message['ruleId']}: {message['message']}"
        for report in reports
        for message in report["messages"]
        if message["severity"] == 2
    ]
    assert not errors, f"{len(errors)} html-validate errors:\n" + "\n".join(sorted(set(errors)))
