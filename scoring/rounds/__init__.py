"""Two rounds: a pre-selection round, its shortlist per category, then the final."""
