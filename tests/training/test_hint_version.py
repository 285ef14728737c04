"""The hint a model reads is versioned: changing what the rules put in it without a new version fails here."""

from __future__ import annotations

from claimmine.labeling.labeler import HINT_VERSION
from training.reproduce import hint_fingerprint

# The fingerprint of each hint version's hints on the probe texts. Changed hints need a new HINT_VERSION (and a
# retrained model, since a model trained on the old hints refuses to load) or the old hint code restored.
FINGERPRINTS = {1: "db42cd1814e46c7a"}


def test_the_hints_are_those_of_their_version() -> None:
    assert hint_fingerprint() == FINGERPRINTS[HINT_VERSION], (
        "the rules' hints changed: bump HINT_VERSION in claimmine/labeling/labeler.py and retrain, "
        "or restore the hint code"
    )
