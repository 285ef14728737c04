"""claimmine training code."""

from pathlib import Path

# The shared corpora beside the checkout (``--data-dir`` overrides it everywhere).
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data"
