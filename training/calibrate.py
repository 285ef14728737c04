"""Temperature scaling of the certainty head, with expected calibration error before and after.

The temperature is fitted on the real-news dev set (`seeds/real/dev`). To report an honest ECE, the
dev documents are split in two halves: a temperature fitted on one half is
scored on the other, and the two results are averaged (cross-fitting). The
shipped temperature is then fitted on the whole dev set. Temperature does not
change which class is most probable, so dev F1 figures are unaffected.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch

from claimmine.labeling.torch_model import ModelLabeler
from claimmine.pipeline import draft_segments
from training import DEFAULT_DATA_DIR
from training.examples import CERTAINTY_INDEX
from training.gold import GoldDocument, load_gold

ROOT = Path(__file__).resolve().parents[1]


def fit_temperature(logits: torch.Tensor, labels: torch.Tensor) -> float:
    """Return the temperature that minimises the negative log-likelihood of ``labels``.

    >>> logits = torch.tensor([[4.0, 0.0, 0.0], [4.0, 0.0, 0.0], [0.0, 4.0, 0.0]])
    >>> fit_temperature(logits, torch.tensor([0, 1, 1])) > 1.0
    True
    """
    log_t = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.LBFGS([log_t], lr=0.1, max_iter=200)

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(logits / log_t.exp(), labels)
        loss.backward()  # type: ignore[no-untyped-call]
        return loss

    optimizer.step(closure)  # type: ignore[no-untyped-call]
    return float(log_t.exp().item())


def expected_calibration_error(probabilities: torch.Tensor, labels: torch.Tensor, bins: int = 10) -> float:
    """Top-label ECE: the gap between confidence and accuracy, averaged over equal-width confidence bins.

    >>> expected_calibration_error(torch.tensor([[1.0, 0.0, 0.0]]), torch.tensor([0]))
    0.0
    """
    confidence, predicted = probabilities.max(-1)
    correct = (predicted == labels).float()
    total = 0.0
    for low in range(bins):
        inside = (confidence > low / bins) & (confidence <= (low + 1) / bins)
        if inside.any():
            total += inside.float().mean().item() * abs(
                confidence[inside].mean().item() - correct[inside].mean().item()
            )
    return total


def gold_logits(labeler: ModelLabeler, documents: list[GoldDocument]) -> tuple[torch.Tensor, torch.Tensor]:
    """Return the certainty logits and gold class indices of every gold segment."""
    segments = [s for d in documents for s in d.segments]
    drafts = [draft for d in documents for draft in draft_segments(d.text, [(s.start, s.end) for s in d.segments])]
    outputs = labeler.predict_drafts(drafts)
    labels = torch.tensor([CERTAINTY_INDEX[s.certainty.value] for s in segments])
    return outputs["certainty"].float(), labels


def cross_fitted_ece(labeler: ModelLabeler, documents: list[GoldDocument]) -> float:
    """Return the ECE of ``labeler`` on ``documents`` with a temperature fitted on the other half of them.

    The documents (sorted by id) are split into two halves, alternately; each half is scored with the
    temperature fitted on the other, so no figure uses a segment its temperature was fitted on.
    """
    ordered = sorted(documents, key=lambda d: d.id)
    halves = [ordered[0::2], ordered[1::2]]
    held_out = []
    for fit_on, score_on in (halves, halves[::-1]):
        temperature = fit_temperature(*gold_logits(labeler, fit_on))
        logits, labels = gold_logits(labeler, score_on)
        held_out.append((len(labels), expected_calibration_error(torch.softmax(logits / temperature, -1), labels)))
    return sum(n * e for n, e in held_out) / sum(n for n, _ in held_out)


def calibrate_folder(
    folder: Path, gold: Path, data_dir: Path = DEFAULT_DATA_DIR, *, write: bool = True
) -> dict[str, Any]:
    """Fit the temperature of the model in ``folder`` on ``gold``; with ``write``, write it and the ECE figures
    to the folder's manifest (``write=False`` only reports them, leaving a shipped folder untouched)."""
    labeler = ModelLabeler(folder)
    documents = load_gold(gold, data_dir)
    after = cross_fitted_ece(labeler, documents)
    logits, labels = gold_logits(labeler, documents)
    before = expected_calibration_error(torch.softmax(logits, -1), labels)
    temperature = fit_temperature(logits, labels)
    report = {
        "temperature": temperature,
        "fitted_on": str(gold.resolve().relative_to(ROOT)) if gold.resolve().is_relative_to(ROOT) else str(gold),
        "segments": len(labels),
        "ece_before": before,
        "ece_after_cross_fitted": after,
    }
    if not write:
        return report
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["temperature"] = temperature
    manifest["calibration"] = report
    manifest_path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return report


def main(argv: list[str] | None = None) -> None:
    """Calibrate a model folder: ``python -m training.calibrate FOLDER [--gold DIR]``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m training.calibrate", description=__doc__)
    parser.add_argument("folder", type=Path, help="an exported model folder")
    parser.add_argument("--gold", type=Path, default=ROOT / "seeds" / "real" / "dev", help="gold to fit on")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="the shared corpora")
    parser.add_argument(
        "--dry-run", action="store_true", help="print the fitted temperature and ECE; leave the manifest as it is"
    )
    args = parser.parse_args(argv)
    print(json.dumps(calibrate_folder(args.folder, args.gold, args.data_dir, write=not args.dry_run), indent=2))


if __name__ == "__main__":
    main()
