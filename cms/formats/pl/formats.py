# Polish typography groups thousands with a thin space (PN-EN ISO 80000-1, as GUS prints its
# tables); Django's "pl" uses a full no-break space. U+202F is the thin one that never breaks,
# so "1 234 567,89" stays on one line in a narrow table cell.
THOUSAND_SEPARATOR = "\u202f"
