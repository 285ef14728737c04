"""claimmine: claim, speculation and official-statement mining in news text.

>>> from claimmine import analyze
>>> analyze("The ministry said talks would resume.").segments[0].kind.value
'official_statement'
"""

from claimmine.analyzer import Analyzer, analyze
from claimmine.attributor import Attributor
from claimmine.errors import (
    ClaimmineError,
    InputFormatError,
    MissingDependencyError,
    ModelFormatError,
    ModelNotFoundError,
    OutputExistsError,
    ResumeError,
)
from claimmine.labeler import Draft, Labeler, Labels, RuleLabeler
from claimmine.labels import Certainty, CueType, QuoteStyle, SegmentKind, SourceType
from claimmine.results import Analysis, Attribution, Cue, Segment, Span
from claimmine.scoring import Scorer

__version__ = "0.1.0"

__all__ = [
    "Analysis",
    "Analyzer",
    "Attribution",
    "Attributor",
    "Certainty",
    "ClaimmineError",
    "Cue",
    "CueType",
    "Draft",
    "InputFormatError",
    "Labeler",
    "Labels",
    "MissingDependencyError",
    "ModelFormatError",
    "ModelNotFoundError",
    "OutputExistsError",
    "QuoteStyle",
    "ResumeError",
    "RuleLabeler",
    "Scorer",
    "Segment",
    "SegmentKind",
    "SourceType",
    "Span",
    "__version__",
    "analyze",
]
