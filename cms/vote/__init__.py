"""The people's-choice vote ("Nagroda publiczności"): a public vote beside the jury's results.

It lives in `cms` because it is a feature of the public site, like the diplomas, the verification
page and open data: it reads entries and editions but changes neither, and its results are a
record of their own, never mixed into the jury's snapshot.
"""
