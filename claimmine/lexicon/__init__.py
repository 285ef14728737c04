"""Stage 2, the cues: the shipped cue lists (hedges, speculation frames, reporting verbs, source nouns) and
the matchers built from them."""
