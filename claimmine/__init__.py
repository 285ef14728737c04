"""claimmine: claim, speculation and official-statement mining in news text.

The names below are the public API. The subpackages (``text``, ``lexicon``, ``attribution``, ``labeling``,
``batch``, ``render``, ``cli``) are the pipeline's stages, documented for readers of the code; what they hold
beyond the names exported here may change between releases.

>>> from claimmine import analyze
>>> analyze("The ministry said talks would resume.").segments[0].kind.value
'official_statement'
"""

from importlib import metadata as _metadata

from claimmine.attribution.attributors import Attributor
from claimmine.batch.scorer import Scorer
from claimmine.errors import (
    ClaimmineError,
    InputFormatError,
    MissingDependencyError,
    ModelFormatError,
    ModelNotFoundError,
    OutputExistsError,
    ResumeError,
)
from claimmine.labeling.labeler import Draft, Labeler, Labels, RuleLabeler
from claimmine.labeling.rules import RuleLabels
from claimmine.pipeline import Analyzer, analyze
from claimmine.types import (
    Analysis,
    Attribution,
    Certainty,
    Cue,
    CueType,
    QuoteStyle,
    Segment,
    SegmentKind,
    SourceType,
    Span,
)

try:
    __version__ = _metadata.version("claimmine")
except _metadata.PackageNotFoundError:  # a source tree on sys.path, not installed
    __version__ = "0+unknown"

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
    "RuleLabels",
    "Scorer",
    "Segment",
    "SegmentKind",
    "SourceType",
    "Span",
    "__version__",
    "analyze",
]
