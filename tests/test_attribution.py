"""Rule attribution: sources, cues, types and pronoun resolution on typical news sentences."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from claimmine import Analyzer, Certainty, SegmentKind, SourceType
from claimmine.labeling.labeler import Draft, Labels, RuleLabeler

RULES = Analyzer("rules")


@pytest.mark.parametrize(
    "text, source, cue, source_type",
    [
        ("The ministry said talks would resume.", "The ministry", "said", SourceType.OFFICIAL),
        ("“We will act,” the treasurer told parliament.", "the treasurer", "told parliament", SourceType.OFFICIAL),
        # A source after its cue stops at the comma: the apposition is not yet taken (issue 4).
        ("“It is over,” said Jane Smith, a local resident.", "Jane Smith", "said", SourceType.OTHER),
        (
            "Dr. Amal Haddad, a virologist, said it could spread.",
            "Dr. Amal Haddad, a virologist",
            "said",
            SourceType.EXPERT,
        ),
        (
            "According to the Presidential Office, the envoy left.",
            "the Presidential Office",
            "According to",
            SourceType.OFFICIAL,
        ),
        ("Insiders say the launch could slip.", "Insiders", "say", SourceType.COLLECTIVE),
        (
            "LISBON, Sept. 3 (Reuters) - The federation said he was injured.",
            "The federation",
            "said",
            SourceType.OFFICIAL,
        ),
        (
            "Economy Minister Sanne de Groot said the plan stands.",
            "Economy Minister Sanne de Groot",
            "said",
            SourceType.OFFICIAL,
        ),
        (
            "President Yoon Seok-yeol met the envoy on the 27th and announced that both sides would act.",
            "President Yoon Seok-yeol",
            "announced",
            SourceType.OFFICIAL,
        ),
    ],
)
def test_source_and_cue(text: str, source: str, cue: str, source_type: SourceType) -> None:
    attribution = RULES.analyze(text).segments[0].attribution
    assert attribution is not None and attribution.source is not None and attribution.cue is not None
    assert (attribution.source.text, attribution.cue.text, attribution.source_type) == (source, cue, source_type)


def test_writer_voice_has_no_attribution() -> None:
    assert RULES.analyze("The council voted 7 to 2 on Friday.").segments[0].attribution is None


def test_sourceless_cue_is_kept() -> None:
    attribution = RULES.analyze("It was announced that the bridge would close.").segments[0].attribution
    assert attribution is not None and attribution.source is None
    assert attribution.cue is not None and attribution.cue.text == "It was announced"


def test_pronouns_and_short_names_resolve_to_the_earlier_mention() -> None:
    text = (
        "WMO Secretary-General Elena Marchetti spoke in Geneva. "
        "“The trend is clear,” she said. "
        "The situation will get worse, Marchetti said."
    )
    segments = RULES.analyze(text).segments
    resolved = [s.attribution.resolved for s in segments[1:] if s.attribution]
    assert resolved == ["WMO Secretary-General Elena Marchetti"] * 2
    assert all(s.attribution.source_type is SourceType.OFFICIAL for s in segments[1:] if s.attribution)


def test_acronyms_match_only_in_capitals() -> None:
    attribution = RULES.analyze("People who live nearby said the river rose.").segments[0].attribution
    assert attribution is None or attribution.source_type is not SourceType.OFFICIAL


def test_direct_quotes_are_marked() -> None:
    direct = RULES.analyze("“We have no plans to raise taxes this year,” the minister said.").segments[0]
    indirect = RULES.analyze("The minister said there were no plans to raise taxes.").segments[0]
    assert direct.attribution is not None and direct.attribution.direct
    assert indirect.attribution is not None and not indirect.attribution.direct


class OfficialLabeler(RuleLabeler):
    """Calls every segment an official statement, as a model that knows the company would."""

    def label(self, drafts: Sequence[Draft]) -> list[Labels]:
        return [Labels(SegmentKind.OFFICIAL_STATEMENT, Certainty.CERTAIN, 0.9) for _ in drafts]


def test_a_source_the_lexicon_cannot_type_is_official_when_the_labeler_says_so() -> None:
    text = "Skyvia said fares would rise. Dr. Lee, a virologist, said cases fell."
    assert [a.source_type for a in Analyzer("rules", attribution="rules").analyze(text).attributions] == [
        SourceType.OTHER,
        SourceType.EXPERT,
    ]
    analysis = Analyzer(OfficialLabeler(), attribution="rules").analyze(text)
    # Only the untyped source changes, and the segment and the relation list hold the same relation.
    assert [a.source_type for a in analysis.attributions] == [SourceType.OFFICIAL, SourceType.EXPERT]
    assert [s.attribution for s in analysis.segments] == list(analysis.attributions)


def test_short_name_resolves_to_a_full_name_that_was_never_a_source() -> None:
    text = "The talks were chaired by Tomas Novotny’s deputy and Tomas Novotny. Novotny said a deal was close."
    [relation] = Analyzer("rules", attribution="rules").analyze(text).attributions
    assert relation.source is not None and relation.source.text == "Novotny"
    assert relation.resolved == "Tomas Novotny"
