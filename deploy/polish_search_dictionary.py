#!/usr/bin/env python3
"""Build PostgreSQL's Polish search dictionary from Debian's hunspell-pl, without diacritics.

Run as root on the database server after `apt-get install hunspell-pl`; safe to run again.

Why not the pl_pl files that Debian's pg_updatedicts already links into tsearch_data: an ispell
dictionary only knows words spelt with their diacritics, and a text search configuration cannot
strip accents after stemming (only a filtering dictionary such as unaccent hands its output on).
So the dictionary and its affix rules are folded with the same rules as PostgreSQL's unaccent
extension; the configuration then runs `unaccent` first and this dictionary second, and
"Ostrołęki", "Ostrołęce" and "Ostroleka" all become the lexeme "ostroleka".

The files are written as polish_unaccent.dict and polish_unaccent.affix into the tsearch_data
folder of every PostgreSQL version installed (real files, which pg_updatedicts leaves alone).
The migration cms/migrations/0004_polish_search.py picks them up when it runs.
"""

from __future__ import annotations

import glob
import os
import re
import sys

HUNSPELL = "/usr/share/hunspell/pl_PL"
SHARE_DIRS = "/usr/share/postgresql/*/tsearch_data"
NAME = "polish_unaccent"


def affix_encoding(affix_path: str) -> str:
    """Hunspell declares the encoding of both files in the affix file's SET line."""
    with open(affix_path, "rb") as file:
        for line in file:
            if line.startswith(b"SET "):
                return line.split()[1].decode()
    return "utf-8"


def unaccent_table(rules_path: str) -> dict[int, str]:
    """unaccent.rules: a character, then its replacement (none means the character is dropped)."""
    table: dict[int, str] = {}
    with open(rules_path, encoding="utf-8") as file:
        for line in file:
            parts = line.rstrip("\n").split("\t") if "\t" in line else line.split()
            if not parts or len(parts[0]) != 1:
                continue
            table[ord(parts[0])] = parts[1].strip() if len(parts) > 1 else ""
    return table


def main() -> int:
    affix_source = HUNSPELL + ".aff"
    dict_source = HUNSPELL + ".dic"
    if not (os.path.exists(affix_source) and os.path.exists(dict_source)):
        print(f"{affix_source} not found: apt-get install hunspell-pl", file=sys.stderr)
        return 1
    encoding = affix_encoding(affix_source)
    with open(affix_source, encoding=encoding) as file:
        affix = file.read()
    affix = re.sub(r"^SET\s+\S+", "SET UTF-8", affix, count=1, flags=re.MULTILINE)
    with open(dict_source, encoding=encoding) as file:
        words = file.read()
    targets = sorted(glob.glob(SHARE_DIRS))
    if not targets:
        print(f"no {SHARE_DIRS}: is the PostgreSQL server installed here?", file=sys.stderr)
        return 1
    for target in targets:
        table = unaccent_table(os.path.join(target, "unaccent.rules"))
        for suffix, text in (("affix", affix), ("dict", words)):
            path = os.path.join(target, f"{NAME}.{suffix}")
            with open(path + ".tmp", "w", encoding="utf-8") as file:
                file.write(text.translate(table))
            os.replace(path + ".tmp", path)
            os.chmod(path, 0o644)
        print(f"{target}/{NAME}.dict, .affix")
    return 0


if __name__ == "__main__":
    sys.exit(main())
