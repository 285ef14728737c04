"""End-to-end speed of claimmine's torch and fast (ONNX int8) paths against a naive baseline, in one run.

``python benchmarks/throughput.py`` (``--sentences N`` for a shorter run).

Every path runs ``--rounds`` times (default 3), the paths taking turns in
each round, and the median rate is printed with every round's: on this
shared machine one timing can be 30% off the next.

The corpus: the first 2,000 sentences (claimmine's sentence splitter) of the
news dev texts followed by the news train texts (``seeds/news``: 2,008 in
all), each analysed as its own text. Every path does the whole job:
segmentation, attribution and the model.

- naive: transformers ``pipeline("text-classification")`` over the same
  weights, one sentence at a time. The shipped model is a custom multi-head
  network, so the pipeline gets an honest wrapper: a ``PreTrainedModel``
  whose logits are the certainty head of the very same ``ClaimModel``
  (shared weights). Each sentence is segmented and attributed by claimmine
  first, then each segment goes through the pipeline with its attribution
  hint as the second text, as the model expects. The pipeline computes one
  head and no calibration, so it does slightly less work than claimmine.
- DEFAULT: ``Analyzer().analyze_batch(sentences)``, what ``analyze()`` runs: the shipped
  model and the shipped attribution tagger.
- fast path: ``Analyzer(FAST_MODEL)``, the int8 model with the int8 tagger (its default).
- torch model and fast model with rule attribution (``attribution="rules"``).

The same four paths also run on the news dev documents whole (segments/s).

``--threads N`` gives every path N intra-op threads. On a machine whose cores
other processes keep busy, two threads can be much slower than one (threads
wait for each other at every operation), above all for the naive path's
one-sentence calls; compare both settings.

Also printed: the model alone on the drafted segments (what the model costs
without segmentation), drafting alone, ``import claimmine`` time and time to
the first result, each in a fresh subprocess (median of 3), and the load
average, since other processes share the machine's cores.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from claimmine import Analyzer  # noqa: E402
from claimmine.loading import DEFAULT_MODEL  # noqa: E402
from claimmine.loading import FAST_MODEL as FAST_NAME  # noqa: E402
from claimmine.text.sentences import sentence_spans  # noqa: E402
from training.gold import load_gold  # noqa: E402

TORCH_MODEL = ROOT / "models" / DEFAULT_MODEL
FAST_MODEL = ROOT / "models" / FAST_NAME
FIRST_TEXT = "The ministry said the bridge would reopen on Monday."


def news_sentences(count: int) -> list[str]:
    """Return ``count`` sentences of the news dev then train texts (cycling through them if there are fewer)."""
    texts = [d.text for part in ("dev", "train") for d in load_gold(ROOT / "seeds" / "news" / part)]
    found = [text[start:end] for text in texts for start, end in sentence_spans(text)]
    return [found[i % len(found)] for i in range(count)]


def naive_pipeline() -> Callable[[str], list[Any]]:
    """Return a function that runs the transformers text-classification pipeline on one sentence's segments."""
    import torch
    from transformers import BertConfig, BertTokenizer, PreTrainedModel, pipeline
    from transformers.modeling_outputs import SequenceClassifierOutput

    from claimmine.labeling.torch_model import ClaimModel, load_model

    class CertaintyClassifier(PreTrainedModel):
        """The ClaimModel's certainty head as a sequence classifier, for transformers' pipelines."""

        config_class = BertConfig

        def __init__(self, config: BertConfig, network: ClaimModel) -> None:
            super().__init__(config)
            self.network = network

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, **_: Any) -> SequenceClassifierOutput:
            return SequenceClassifierOutput(logits=self.network(input_ids, attention_mask)["certainty"])

    network, manifest = load_model(TORCH_MODEL)
    config = BertConfig.from_json_file(str(TORCH_MODEL / "config.json"))
    config.id2label = dict(enumerate(manifest.certainty_labels))
    config.label2id = {label: i for i, label in enumerate(manifest.certainty_labels)}
    model = CertaintyClassifier(config, network).eval()
    tokenizer = BertTokenizer.from_pretrained(str(TORCH_MODEL))
    classify = pipeline("text-classification", model=model, tokenizer=tokenizer, device="cpu")
    drafter = Analyzer("rules", attribution="rules")

    def run(sentence: str) -> list[Any]:
        ((drafts, _),) = drafter.draft_batch([sentence])
        return [
            classify({"text": d.text, "text_pair": d.hint}, truncation=True, max_length=128)
            for d in drafts
        ]

    return run


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def fresh(code: str, runs: int = 3) -> tuple[float, float]:
    """Median (in-process seconds printed by ``code``, wall seconds of the whole subprocess) over ``runs``."""
    inner, wall = [], []
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
        wall.append(time.perf_counter() - start)
        inner.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(inner), statistics.median(wall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--skip-naive", action="store_true", help="leave out the (slow) naive baseline")
    parser.add_argument("--threads", type=int, help="intra-op threads of every path (default: the libraries')")
    parser.add_argument("--rounds", type=int, default=3, help="timed runs of every path; the median is printed")
    args = parser.parse_args()
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    load_before = os.getloadavg()
    sentences = news_sentences(args.sentences)
    print(
        f"{len(sentences)} sentences from seeds/news/dev + train; {os.cpu_count()} CPUs; "
        f"threads {args.threads or 'default'}; load average before {load_before[0]:.2f}"
    )

    default_analyzer = Analyzer(threads=args.threads)  # what analyze() runs: the shipped model and tagger
    fast_default = Analyzer(FAST_MODEL, threads=args.threads)  # the fast path as shipped: int8 model and tagger
    torch_analyzer = Analyzer(TORCH_MODEL, attribution="rules", threads=args.threads)
    fast_analyzer = Analyzer(FAST_MODEL, attribution="rules", threads=args.threads)
    for analyzer in (default_analyzer, fast_default, torch_analyzer, fast_analyzer):
        analyzer.analyze(FIRST_TEXT)  # load the weights outside the timing
    paths: dict[str, Callable[[], Any]] = {}
    if not args.skip_naive:
        run = naive_pipeline()
        run(FIRST_TEXT)
        paths["naive: transformers pipeline, one at a time"] = lambda: [run(s) for s in sentences]
    labels = {
        f"DEFAULT analyze(): {default_analyzer.labeler.name} + {default_analyzer.attributor.name}": default_analyzer,
        f"fast path: {fast_default.labeler.name} + {fast_default.attributor.name}": fast_default,
        f"torch model, rule attribution: {torch_analyzer.labeler.name} + rules": torch_analyzer,
        f"fast model, rule attribution: {fast_analyzer.labeler.name} + rules": fast_analyzer,
    }
    for name, analyzer in labels.items():
        paths[name] = lambda analyzer=analyzer: analyzer.analyze_batch(sentences)  # type: ignore[misc]
    documents = [d.text for d in load_gold(ROOT / "seeds" / "news" / "dev")]
    document_paths = {name: (lambda a=a: a.analyze_batch(documents)) for name, a in labels.items()}
    drafts = [d for document, _ in fast_analyzer.draft_batch(sentences) for d in document]
    part_paths: dict[str, Callable[[], Any]] = {
        "drafting alone (segmentation, attribution, rules)": lambda: fast_analyzer.draft_batch(sentences),
        f"model alone, torch ({len(drafts)} segments)": lambda: torch_analyzer.labeler.label(drafts),
        f"model alone, fast ({len(drafts)} segments)": lambda: fast_analyzer.labeler.label(drafts),
    }
    # Every round runs every path once, in turn, so that a change in the machine's load hits them alike.
    samples: dict[str, list[float]] = {name: [] for name in [*paths, *part_paths]}
    document_samples: dict[str, list[float]] = {name: [] for name in document_paths}
    outputs: dict[str, Any] = {}
    for _ in range(args.rounds):
        for name, function in [*paths.items(), *part_paths.items()]:
            seconds, outputs[name] = timed(function)
            samples[name].append(len(sentences) / seconds)
        for name, function in document_paths.items():
            seconds, analyses = timed(function)
            document_samples[name].append(sum(len(a.segments) for a in analyses) / seconds)
    rates = {name: statistics.median(samples[name]) for name in paths}
    parts = {name: statistics.median(samples[name]) for name in part_paths}
    document_rates = {name: statistics.median(document_samples[name]) for name in document_paths}
    names = list(labels)
    torch_results, fast_results = outputs[names[0]], outputs[names[1]]

    both = zip(torch_results, fast_results, strict=True)
    pairs = [pair for x, y in both for pair in zip(x.segments, y.segments, strict=True)]
    same = sum(a.kind is b.kind and a.certainty is b.certainty for a, b in pairs) / len(pairs)

    import_code = "import time; t = time.perf_counter(); import claimmine; print(time.perf_counter() - t)"
    first_code = (
        "import time; t = time.perf_counter(); from claimmine import Analyzer; "
        "Analyzer({model!r}, attribution='rules').analyze({text!r}); print(time.perf_counter() - t)"
    )
    startup = {
        "import claimmine": fresh(import_code),
        "first result, DEFAULT analyze()": fresh(
            "import time; t = time.perf_counter(); from claimmine import analyze; "
            f"analyze({FIRST_TEXT!r}); print(time.perf_counter() - t)"
        ),
        "first result, fast path (int8 model and tagger)": fresh(
            "import time; t = time.perf_counter(); from claimmine import Analyzer; "
            f"Analyzer({str(FAST_MODEL)!r}).analyze({FIRST_TEXT!r}); print(time.perf_counter() - t)"
        ),
        "first result, torch model, rule attribution": fresh(
            first_code.format(model=str(TORCH_MODEL), text=FIRST_TEXT)
        ),
        "first result, fast model, rule attribution": fresh(first_code.format(model=str(FAST_MODEL), text=FIRST_TEXT)),
    }
    load_after = os.getloadavg()

    naive = rates.get("naive: transformers pipeline, one at a time")
    print(
        f"\nmedian of {args.rounds} rounds; every round: "
        + ", ".join(
            f"{name.split(':')[0].split(' (')[0]} {' / '.join(f'{r:.0f}' for r in samples[name])}" for name in paths
        )
    )
    print("\n| path (end to end) | sentences/s | vs naive |\n|---|---:|---:|")
    for name, rate in rates.items():
        print(f"| {name} | {rate:,.0f} | {f'{rate / naive:.1f}x' if naive else '-'} |")
    print(f"\n| path, whole documents ({len(documents)} news dev documents) | segments/s |\n|---|---:|")
    for name, rate in document_rates.items():
        print(f"| {name} | {rate:,.0f} |")
    print("\n| part | sentences/s |\n|---|---:|")
    for name, rate in parts.items():
        print(f"| {name} | {rate:,.0f} |")
    print("\n| start-up (fresh process, median of 3) | in process | wall, with interpreter start |\n|---|---:|---:|")
    for name, (inner, wall) in startup.items():
        print(f"| {name} | {inner:.2f} s | {wall:.2f} s |")
    print_roofline(drafts, len(sentences), parts, args.threads)
    print(f"\nfast path vs DEFAULT: same kind and certainty on {same:.2%} of {len(pairs)} segments")
    print(f"load average: {load_before[0]:.2f} before, {load_after[0]:.2f} after (1-minute)")


def print_roofline(drafts: list[Any], sentences: int, parts: dict[str, float], threads: int | None) -> None:
    """The classifier's multiply-adds per segment, the rate each model path achieves, and the machine's own."""
    from roofline import encoder_macs, fp32_rate, int8_rate, model_config

    from claimmine.labeling.inference import Manifest, load_tokenizer

    manifest = Manifest.read(TORCH_MODEL)
    tokenizer = load_tokenizer(TORCH_MODEL, manifest.max_length)
    pairs = [(d.text, d.hint) if manifest.attribution_hint else d.text for d in drafts]
    lengths = [len(encoding.ids) for encoding in tokenizer.encode_batch(pairs)]
    macs = encoder_macs(lengths, model_config(TORCH_MODEL))
    fp32, int8 = fp32_rate(threads), int8_rate(threads)
    print(
        f"\nroofline: the encoder does {macs / len(drafts) / 1e6:.0f} M multiply-adds per segment "
        f"({sum(lengths) / len(lengths):.1f} tokens on average); this machine's matmul: fp32 {fp32 / 1e9:.1f} "
        f"GMAC/s (torch), int8 {'-' if int8 is None else f'{int8 / 1e9:.1f}'} GMAC/s (onnxruntime MatMulInteger)"
    )
    print("\n| model alone | segments/s | GMAC/s achieved | share of the machine's matmul |\n|---|---:|---:|---:|")
    for name, rate in parts.items():
        if not name.startswith("model alone"):
            continue
        limit = int8 if "fast" in name else fp32
        achieved = macs * rate / sentences  # the part rates are sentences/s over the whole set
        share = "-" if not limit else f"{achieved / limit:.0%}"
        print(f"| {name} | {rate * len(drafts) / sentences:,.0f} | {achieved / 1e9:.1f} | {share} |")


if __name__ == "__main__":
    main()
