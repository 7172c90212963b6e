"""The language check: crawl the site as a person would and find text in the wrong language.

A Polish page must not show an English msgid of any installed catalogue (the project's, Wagtail's,
Django's, allauth's), raw Python values ("True", "None") or field names ("users_count",
"Phase label"); an English page must not show a Polish msgstr. Text is compared node by node,
so a project title that happens to contain an English word is not a leak, while a whole label or
a sentence with its placeholders filled in ("There are no zmiany kart oceny to display.") is.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import django
import polib
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.functional import cached_property

PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdif]|\{\w*\}")
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
RAW_VALUES = {"True", "False", "None", "[]", "{}", "nan", "NaN", "NaT"}
# Attributes whose value a person reads or a screen reader speaks.
SPOKEN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "aria-description"}
SKIPPED_ELEMENTS = {"script", "style", "textarea", "code", "pre", "template", "svg", "option"}
VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
ADMIN_URL_IN_JSON = re.compile(r'"url": "(/admin/[^"]*)"')
WORD = re.compile(r"[^\W\d_]+")


def catalogue_files(language: str) -> list[Path]:
    """Every compiled catalogue Django would read for `language`, the project's first."""
    paths = [Path(p) for p in settings.LOCALE_PATHS]
    paths += [Path(app.path) / "locale" for app in apps.get_app_configs()]
    paths.append(Path(django.__file__).parent / "conf" / "locale")
    files = []
    for path in paths:
        mo = path / language / "LC_MESSAGES" / "django.mo"
        if mo.exists() and mo not in files:
            files.append(mo)
    return files


def source_messages() -> set[str]:
    """Every English msgid the site can show: the project's, and each app's source catalogue.

    Compiled catalogues leave out what nobody translated, which is exactly what leaks; the
    English .po files that Wagtail, Django and allauth ship list every message they use.
    """
    files = [Path(p) / "pl" / "LC_MESSAGES" / "django.po" for p in settings.LOCALE_PATHS]
    roots = [Path(app.path) / "locale" for app in apps.get_app_configs()]
    roots.append(Path(django.__file__).parent / "conf" / "locale")
    files += [root / "en" / "LC_MESSAGES" / "django.po" for root in roots]
    messages: set[str] = set()
    for po in files:
        if po.exists():
            for entry in polib.pofile(str(po)):
                messages.add(entry.msgid)
                if entry.msgid_plural:
                    messages.add(entry.msgid_plural)
    return messages


def translations(language: str) -> dict[str, str]:
    """msgid → msgstr for every singular message and each plural's first form."""
    pairs: dict[str, str] = {}
    for mo in reversed(catalogue_files(language)):  # the project's override wins
        with mo.open("rb") as handle:
            catalogue = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
        for key, value in catalogue.items():
            if isinstance(key, tuple):
                msgid, form = key
                if form != 0:
                    continue
            else:
                msgid = key
            msgid = msgid.split("\x04", 1)[-1]  # drop a pgettext context
            if msgid:
                pairs[msgid] = value
    return pairs


def _norm(text: str) -> str:
    return " ".join(text.split()).rstrip(":").strip()


def _words(text: str) -> list[str]:
    return WORD.findall(text)


@dataclass
class Pattern:
    text: str
    regex: re.Pattern[str]


def _pattern(text: str) -> Pattern | None:
    text = " ".join(text.split())
    literal = PLACEHOLDER.sub(" ", text)
    words = _words(literal)
    if not words or not any(len(w) > 1 for w in words):
        return None
    if PLACEHOLDER.search(text):
        # Filled-in placeholders: only sentences with enough fixed words to be recognisable.
        if len(words) < 3:
            return None
        parts = [re.escape(part) for part in PLACEHOLDER.split(text)]
        body = r".+?".join(parts)
        return Pattern(text, re.compile(r"(?<!\w)" + body.strip() + r"(?!\w)"))
    if len(words) >= 3:
        return Pattern(text, re.compile(r"(?<!\w)" + re.escape(text) + r"(?!\w)"))
    # One or two words: only a whole text node, so words shared by both languages inside
    # longer Polish sentences are not mistaken for leaks.
    return Pattern(text, re.compile(r"^" + re.escape(text.rstrip(":")) + r":?$"))


@dataclass
class Dictionary:
    """What must not appear on a page in the other language."""

    foreign: list[Pattern]
    exact: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, texts: Iterable[str]) -> Dictionary:
        """Short labels are matched as whole text nodes, sentences anywhere in a node."""
        dictionary = cls([])
        for text in texts:
            pattern = _pattern(text)
            if pattern is None:
                continue
            if pattern.regex.pattern.startswith("^"):
                dictionary.exact[_norm(text)] = text
            else:
                dictionary.foreign.append(pattern)
        return dictionary

    @classmethod
    def english_on_polish(cls, extra_names: Iterable[str] = ()) -> Dictionary:
        polish = translations("pl")
        polish_words = {_norm(v) for v in polish.values()}
        dictionary = cls.of(
            msgid
            for msgid in source_messages()
            if _norm(msgid) not in polish_words | {_norm(polish.get(msgid, ""))}
            and re.search("[A-Za-z]", msgid)
            and not msgid.startswith(("%", "#", "/"))
            and "<" not in msgid
        )
        for name in extra_names:
            dictionary.exact.setdefault(name, name)
        return dictionary

    @classmethod
    def polish_on_english(cls) -> Dictionary:
        polish = translations("pl")
        english_words = {_norm(k) for k in polish}
        return cls.of(
            msgstr
            for msgid, msgstr in polish.items()
            if msgstr and _norm(msgstr) not in english_words | {_norm(msgid)}
        )

    def leaks(self, texts: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for text in texts:
            node = text.rstrip(":").strip()
            if node in self.exact:
                found.add(self.exact[node])
                continue
            if len(_words(text)) < 3:
                continue
            for pattern in self.foreign:
                if pattern.regex.search(text):
                    found.add(pattern.text)
        return found


class _Text(HTMLParser):
    """Visible text nodes, spoken attributes and same-site links of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self._skip = 0
        self._json = False
        # Text marked with another language (the switcher's "English") is foreign on purpose.
        self._lang: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in SKIPPED_ELEMENTS:
            self._skip += 1
        if tag not in VOID_ELEMENTS:
            # Marked as another language, or not shown at all (`hidden`).
            foreign = (bool(values.get("lang")) and tag != "html") or "hidden" in values
            self._lang.append((tag, foreign))
            if foreign:
                self._skip += 1
        for name in SPOKEN_ATTRIBUTES:
            if values.get(name):
                self.texts.append(" ".join(str(values[name]).split()))
        if tag == "input" and values.get("type") in {"submit", "button"} and values.get("value"):
            self.texts.append(" ".join(str(values["value"]).split()))
        if tag == "script" and values.get("type") == "application/json":
            self._json = True
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_ELEMENTS and self._skip:
            self._skip -= 1
        if tag in VOID_ELEMENTS:
            return
        # Close up to the matching open tag; browsers forgive missing end tags, so do we.
        for index in range(len(self._lang) - 1, -1, -1):
            if self._lang[index][0] == tag:
                for _, foreign in self._lang[index:]:
                    if foreign and self._skip:
                        self._skip -= 1
                del self._lang[index:]
                break

    def handle_data(self, data: str) -> None:
        if self._json:
            # Wagtail draws its sidebar menu from JSON: its links are links a person clicks.
            self.links += ADMIN_URL_IN_JSON.findall(data)
            self._json = False
        if self._skip:
            return
        text = " ".join(data.split())
        if text:
            self.texts.append(text)


def page_text(html: str) -> tuple[list[str], list[str]]:
    parser = _Text()
    parser.feed(html)
    return parser.texts, parser.links


def raw_values(texts: Iterable[str], names: set[str]) -> set[str]:
    found = set()
    for text in texts:
        if text in RAW_VALUES or (SNAKE_CASE.match(text) and text in names):
            found.add(text)
    return found


def model_field_names() -> set[str]:
    """Field names of the project's models: shown raw, they betray a missing label."""
    names: set[str] = set()
    for label in ("competition", "entries", "scoring", "cms"):
        for model in apps.get_app_config(label).get_models():
            for model_field in model._meta.get_fields():
                names.add(model_field.name)
            # Properties shown as listing columns ("phase_label") betray themselves the same way.
            for klass in model.__mro__:
                if klass.__module__.split(".")[0] in {"competition", "entries", "scoring", "cms"}:
                    names |= {
                        name
                        for name, value in vars(klass).items()
                        if isinstance(value, property | cached_property)
                    }
    return names


def auto_labels(names: Iterable[str]) -> set[str]:
    """ "Phase label" for phase_label: Django's label when nobody wrote one."""
    return {name.replace("_", " ").capitalize() for name in names if "_" in name}


def resolve_path(path: str):
    """The URL match of a path, or None; i18n_patterns' prefix follows the active language."""
    english = path.startswith("/en/")
    try:
        with translation.override("en" if english else settings.LANGUAGE_CODE):
            return resolve(path)
    except Resolver404:
        return None


def resolve_name(path: str) -> str:
    match = resolve_path(path)
    return (match.view_name or "") if match else ""


SKIPPED_PATHS = ("logout", "/preview", "/usage/", "/history/", "/password", "/2fa", "/reauth")


@dataclass
class Leak:
    role: str
    language: str
    url: str
    kind: str
    texts: set[str]

    def __str__(self) -> str:
        return f"[{self.role} {self.language}] {self.url} {self.kind}: {sorted(self.texts)}"


@dataclass
class Crawl:
    """Visits every route once per role and language, following links a person could click."""

    client: Client
    role: str
    language: str
    dictionary: Dictionary
    names: set[str]
    data: set[str] = field(default_factory=set)
    visited_routes: set[str] = field(default_factory=set)
    pages: int = 0
    leaks: list[Leak] = field(default_factory=list)

    def _route(self, url: str) -> str | None:
        parts = urlsplit(url)
        if parts.netloc and parts.netloc not in {"testserver", "localhost"}:
            return None
        path = parts.path
        if not path.startswith("/") or any(s in path for s in SKIPPED_PATHS):
            return None
        if path.startswith(("/static/", "/media/", "/documents/", "/favicon", "/rss/")):
            return None
        english = path.startswith("/en/")
        if not path.startswith("/admin/") and english != (self.language == "en"):
            return None
        match = resolve_path(path)
        if match is None or match.url_name in {"account_logout", "wagtailadmin_logout"}:
            return None
        if match.url_name == "wagtailadmin_login" and self.language != settings.LANGUAGE_CODE:
            return None  # before logging in, the admin speaks the site's language
        route = match.route
        if match.url_name == "wagtail_serve":
            route = path  # every page of the site is its own route
        params = ",".join(sorted({key for key, _ in parse_qsl(parts.query)} - {"next"}))
        return f"{route}?{params}"

    def _check(self, url: str, response) -> Iterator[Leak]:
        texts, links = page_text(response.content.decode())
        found = self.dictionary.leaks(texts) - self.data
        if found:
            yield Leak(self.role, self.language, url, "foreign", found)
        raw = raw_values(texts, self.names)
        if raw:
            yield Leak(self.role, self.language, url, "raw", raw)
        self._links = links

    def run(self, start: Iterable[str], limit: int = 400) -> Iterator[Leak]:
        queue = list(start)
        forms: list[str] = []
        while queue and self.pages < limit:
            url = queue.pop(0)
            route = self._route(url)
            if route is None or route in self.visited_routes:
                continue
            self.visited_routes.add(route)
            response = self.client.get(url, headers={"accept-language": self.language})
            if response.status_code in {301, 302}:
                queue.append(response["Location"])
                continue
            if response.status_code != 200:
                continue
            if "text/html" not in response.get("Content-Type", ""):
                continue
            self.pages += 1
            yield from self._check(url, response)
            path = urlsplit(url).path
            name = resolve_name(path)
            if path.startswith("/admin/") and name.endswith(("index", "list", "listing")):
                # An empty search shows the listing's "nothing matches" sentence.
                queue.append(path + "?q=qqxqq")
            if path.startswith("/admin/") and name.endswith(("add", "edit", "create")):
                forms.append(url)
            for link in self._links:
                if link.startswith("?"):
                    link = path + link
                queue.append(link.split("#", 1)[0])
        # Last, so a saved form cannot change what the pages above show: an empty submission
        # of every admin form, which shows its error summary and messages.
        for url in forms:
            response = self.client.post(url, {}, headers={"accept-language": self.language})
            if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
                self.pages += 1
                yield from self._check(url + " (POST)", response)


def client_for(role: str, language: str) -> Client:
    """A test client logged in as the demo's `role` (or anonymous), its admin in `language`."""
    from django.contrib.auth import get_user_model
    from wagtail.users.models import UserProfile

    client = Client()
    if role != "anonymous":
        user = get_user_model().objects.get(username=role)
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = language
        profile.save(update_fields=["preferred_language"])
        client.force_login(user)
    return client
