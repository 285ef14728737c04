"""The ``claimmine`` command line: ``analyze``, ``render`` and ``score``."""
