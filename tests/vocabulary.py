"""The words of the tiny test vocabularies: enough for the test sentences to tokenise without [UNK]."""

WORDS = [
    "the",
    "ministry",
    "said",
    "talks",
    "would",
    "resume",
    "may",
    "might",
    "could",
    "rain",
    "police",
    "analysts",
    "expect",
    "prices",
    "rise",
    "it",
]
