"""Every page of the site passes html-validate (npm) and axe-core, as each role, in both languages.

The demo is loaded once and crawled like the language check does (tests/cms/language.py):
every link a person could click, once per route. The Wagtail admin is left out: its markup is
Wagtail's, and our admin templates only fill its blocks. The pages are written to files and
checked in one run of html-validate with the project's `.htmlvalidate.json`: the standard,
accessibility and document presets, with two changes. Subresource integrity is asked only of
files from another origin (ours come from our own server). `no-redundant-for` is off: Django's
own radio and checkbox widgets put the input inside a label that also names it with `for`,
which is valid HTML.

axe-core then opens one page per template (and query keys) of each role and language in
Chromium, logged in with the crawl's session, and fails on any serious or critical finding.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.browser.conftest import AXE
from tests.cms.language import Crawl, Dictionary, Leak, client_for, page_text

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
    """Keeps the HTML of every site page it reaches instead of looking for language leaks.

    It also keeps one address per template (and query keys): the pages axe-core opens in
    Chromium, since a template's accessibility does not change from one laureate to the next.
    """

    documents: dict[str, str] = field(default_factory=dict)
    by_template: dict[str, str] = field(default_factory=dict)

    def _route(self, url: str) -> str | None:
        if urlsplit(url).path.startswith("/admin/"):
            return None
        return super()._route(url)

    def _check(self, url: str, response) -> Iterator[Leak]:
        html = response.content.decode()
        self.documents[url] = USERBAR.sub("", html)
        template = response.templates[0].name if response.templates else url
        query = ",".join(sorted(key for key, _ in parse_qsl(urlsplit(url).query)))
        self.by_template.setdefault(f"{template}?{query}", url)
        _texts, self._links = page_text(html)
        yield from ()


@dataclass
class Crawled:
    files: dict[Path, str] = field(default_factory=dict)  # the page's file: "role lang url"
    # Per (role, language): the session cookie and one address per template.
    visits: dict[tuple[str, str], tuple[str | None, list[str]]] = field(default_factory=dict)


def _crawl(tmp_path: Path) -> Crawled:
    call_command("load_demo", stdout=StringIO())
    crawled = Crawled()
    for role in ROLES:
        for language in ("pl", "en"):
            prefix = "/en" if language == "en" else ""
            start = [f"{prefix}{p}" for p in ("/", "/zgloszenia/", "/jury/", "/szukaj/?q=gmina")]
            start += [f"{prefix}/konto/login/", f"{prefix}/styleguide/"]
            client = client_for(role, language)
            crawl = MarkupCrawl(client, role, language, Dictionary([]), set())
            list(crawl.run(start, limit=300))
            for url, html in crawl.documents.items():
                path = tmp_path / f"{len(crawled.files):04d}.html"
                path.write_text(html, encoding="utf-8")
                crawled.files[path] = f"{role} {language} {url}"
            session = client.cookies.get(settings.SESSION_COOKIE_NAME)
            crawled.visits[role, language] = (
                session.value if session else None,
                sorted(crawl.by_template.values()),
            )
    return crawled


def _html_validate_errors(crawled: Crawled, tmp_path: Path) -> list[str]:
    if not HTML_VALIDATE.exists():
        pytest.fail("node_modules/.bin/html-validate is missing: run `npm install`")
    # A report of many pages is cut short on a pipe (node exits before stdout drains): a file.
    report_file = tmp_path / "report.json"
    subprocess.run(
        [
            str(HTML_VALIDATE),
            "--config",
            str(ROOT / ".htmlvalidate.json"),
            "--formatter",
            f"json={report_file}",
            *map(str, crawled.files),
        ],
        capture_output=True,
        cwd=ROOT,
        check=False,
    )
    reports = json.loads(report_file.read_text(encoding="utf-8"))
    return sorted(
        {
            f"{crawled.files[Path(report['filePath']).resolve()]}: "
            f"{message['ruleId']}: {message['message']}"
            for report in reports
            for message in report["messages"]
            if message["severity"] == 2
        }
    )


def _axe_findings(crawled: Crawled, browser, live_server) -> tuple[int, list[str]]:
    if not AXE.exists():
        pytest.fail("node_modules/axe-core is missing: run `npm install`")
    findings, opened = [], 0
    host = urlsplit(live_server.url).hostname
    for (role, language), (session, urls) in crawled.visits.items():
        context = browser.new_context(base_url=live_server.url, locale=f"{language}-PL")
        context.add_init_script(path=str(AXE))
        if session:
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": session,
                        "domain": host,
                        "path": "/",
                    }
                ]
            )
        page = context.new_page()
        for url in urls:
            page.goto(url)
            page.wait_for_load_state("networkidle")
            opened += 1
            result = page.evaluate(
                "async () => await axe.run(document, {resultTypes: ['violations']})"
            )
            findings += [
                f"{role} {language} {url}: {v['id']} ({v['impact']}): "
                f"{[n['target'] for n in v['nodes']][:3]}"
                for v in result["violations"]
                if v["impact"] in ("serious", "critical")
            ]
        context.close()
    return opened, findings


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_site_page_valid_and_accessible(browser, live_server, tmp_path):
    crawled = _crawl(tmp_path)
    assert len(crawled.files) > 100, f"the crawl reached only {len(crawled.files)} pages"
    errors = _html_validate_errors(crawled, tmp_path)
    opened, findings = _axe_findings(crawled, browser, live_server)
    assert opened > 60, f"axe-core opened only {opened} pages"
    assert not errors, f"{len(errors)} html-validate errors:\n" + "\n".join(errors)
    assert not findings, f"{len(findings)} axe-core findings:\n" + "\n".join(findings)
