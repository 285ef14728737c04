"""Scoring large files: the :class:`~claimmine.Scorer`, record readers and writers, resumable outputs with
their provenance, and the Ray engine."""
