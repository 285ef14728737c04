"""``python -m claimmine`` runs the command line."""

import sys

from claimmine.cli import main

sys.exit(main())
