"""``python -m claimmine`` runs the command line."""

import sys

from claimmine.cli.main import main

sys.exit(main())
