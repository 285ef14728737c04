"""Fine-tunes the claimmine classifier: ``python -m training.train --config FILE --data-dir DIR --out DIR``.

Deterministic under the config's seed (batch order and dropout are seeded
per step, so a resumed run continues exactly), bf16 autocast where the CPU
supports it, length-bucketed batches, a progress bar, checkpoints every
``checkpoint_every`` steps (``--resume`` continues from the last one), and at
the end an exported model folder with fp16 weights, tokenizer, manifest and
the config, calibrated on the news dev set (see :mod:`training.calibrate`).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file
from torch.nn import functional
from tqdm import tqdm
from transformers import BertConfig, BertTokenizer

from claimmine.labeling.labeler import HINT_VERSION
from claimmine.labeling.torch_model import MANIFEST_FORMAT, ClaimModel
from claimmine.types import Certainty, SegmentKind
from training.config import TrainConfig
from training.examples import NOT_SPECULATION, length_buckets, training_mix
from training.reproduce import (
    BASE_LICENCE,
    base_folder,
    bf16_used,
    describe_base,
    load_base_encoder,
    run_record,
    write_folder,
)

ROOT = Path(__file__).resolve().parents[1]
def build_model(config: TrainConfig) -> tuple[ClaimModel, BertTokenizer, BertConfig]:
    """Create the network with the base encoder's pretrained weights and fresh heads."""
    folder = base_folder(config.base_model)
    encoder_config = BertConfig.from_json_file(str(folder / "config.json"))
    torch.manual_seed(config.seed)
    model = ClaimModel(encoder_config, kind_head=config.heads == "multitask")
    load_base_encoder(model.encoder, folder)
    tokenizer = BertTokenizer.from_pretrained(str(folder), local_files_only=True)
    return model, tokenizer, encoder_config


def log_probability_of(logits: torch.Tensor, classes: list[int]) -> torch.Tensor:
    """Return, per row, the log of the summed softmax probability of ``classes`` (a target known only as a set).

    >>> round(log_probability_of(torch.zeros(1, 4), [0, 1]).exp().item(), 3)
    0.5
    """
    return torch.logsumexp(logits[:, classes], -1) - torch.logsumexp(logits, -1)


def class_weights(targets: Sequence[int], classes: int, power: float) -> torch.Tensor | None:
    """Return per-class loss weights ``(mean count / count) ** power`` over the known targets (``None`` at 0).

    >>> [round(w, 3) for w in class_weights([0, 0, 0, 1, -1], 2, 1.0).tolist()]
    [0.667, 2.0]
    """
    if not power:
        return None
    counts = torch.bincount(torch.tensor([t for t in targets if t >= 0], dtype=torch.long), minlength=classes)
    counts = counts.float().clamp(min=1.0)
    return (counts.mean() / counts) ** power


def losses(
    outputs: dict[str, torch.Tensor],
    batch: dict[str, torch.Tensor],
    config: TrainConfig,
    weights: dict[str, torch.Tensor | None] | None = None,
) -> torch.Tensor:
    """Sum the task losses over the examples that carry each target (class-weighted where ``weights`` says)."""
    weights = weights or {}
    logits = outputs["certainty"].float()
    total = logits.new_zeros(())
    known = batch["certainty"] >= 0
    if known.any():
        total = total + functional.cross_entropy(
            logits[known], batch["certainty"][known], weight=weights.get("certainty")
        )
    hedged = batch["uncertain"] == 1
    if hedged.any():
        # Hedged of unknown strength: push P(probable) + P(possible) up.
        total = total - config.binary_weight * log_probability_of(logits[hedged], [1, 2]).mean()
    scored = batch["score"] >= 0
    if scored.any():
        score = outputs["score"].float()[scored]
        total = total + config.score_weight * functional.mse_loss(score, batch["score"][scored].float())
    kinds = batch["kind"] >= 0
    if "kind" in outputs and kinds.any():
        total = total + config.kind_weight * functional.cross_entropy(
            outputs["kind"].float()[kinds], batch["kind"][kinds], weight=weights.get("kind")
        )
    plain = batch["kind"] == NOT_SPECULATION
    if "kind" in outputs and plain.any():
        # Any kind but speculation: push P(claim) + P(official statement) up.
        others = [i for i, kind in enumerate(SegmentKind) if kind is not SegmentKind.SPECULATION]
        total = total - config.kind_weight * log_probability_of(outputs["kind"].float()[plain], others).mean()
    return total


def collate(rows: Sequence[dict[str, Any]], pad_id: int) -> dict[str, torch.Tensor]:
    """Pad a batch of tokenised examples."""
    width = max(len(r["input_ids"]) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, row in enumerate(rows):
        ids[i, : len(row["input_ids"])] = torch.tensor(row["input_ids"])
        mask[i, : len(row["input_ids"])] = 1
    batch = {"input_ids": ids, "attention_mask": mask}
    for key in ("certainty", "uncertain", "kind"):
        batch[key] = torch.tensor([r[key] for r in rows], dtype=torch.long)
    batch["score"] = torch.tensor([r["score"] for r in rows], dtype=torch.float)
    return batch


def train(
    config: TrainConfig,
    data_dir: Path,
    out: Path,
    *,
    resume: bool = False,
    max_steps: int | None = None,
    command: Sequence[str] | None = None,
) -> Path:
    """Run training and export the model folder; return its path (``command``: the CLI arguments, if any)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(config.to_json(), encoding="utf-8")
    model, tokenizer, encoder_config = build_model(config)
    data = training_mix(config, data_dir, ROOT)

    def tokenize(batch: dict[str, list[str]]) -> Any:
        if config.attribution_hint:
            return tokenizer(batch["text"], batch["hint"], truncation=True, max_length=config.max_length)
        return tokenizer(batch["text"], truncation=True, max_length=config.max_length)

    data = data.map(tokenize, batched=True, remove_columns=["text", "hint"])
    weights = {
        "certainty": class_weights(data["certainty"], len(Certainty), config.class_balance),
        "kind": class_weights(data["kind"], len(SegmentKind), config.class_balance),
    }
    lengths = [len(ids) for ids in data["input_ids"]]
    steps_per_epoch = math.ceil(len(lengths) / config.batch_size)
    total_steps = steps_per_epoch * config.epochs
    stop = total_steps if max_steps is None else min(max_steps, total_steps)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay)
    warmup = max(1, int(total_steps * config.warmup_ratio))

    def rate(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup))

    checkpoint = out / "checkpoint"
    step = _restore(checkpoint, model, optimizer) if resume else 0
    use_bf16 = bf16_used(config.bf16)
    model.train()
    progress = tqdm(total=stop, initial=step, desc="training", unit="step", disable=None)
    done = step
    for epoch in range(config.epochs):
        for batch_index, indices in enumerate(length_buckets(lengths, config.batch_size, config.seed + epoch)):
            position = epoch * steps_per_epoch + batch_index
            if position < done:
                continue
            if position >= stop:
                break
            torch.manual_seed(config.seed * 100_003 + position)
            batch = collate([data[i] for i in indices], tokenizer.pad_token_id or 0)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=use_bf16):
                outputs = model(batch["input_ids"], batch["attention_mask"])
            loss = losses(outputs, batch, config, weights)
            loss.backward()  # type: ignore[no-untyped-call]
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            for group in optimizer.param_groups:
                group["lr"] = config.learning_rate * rate(position)
            optimizer.step()
            optimizer.zero_grad()
            step = position + 1
            progress.update(1)
            progress.set_postfix(loss=f"{loss.item():.3f}", epoch=epoch)
            if step % config.checkpoint_every == 0:
                _save_checkpoint(checkpoint, model, optimizer, step)
    progress.close()
    _save_checkpoint(checkpoint, model, optimizer, step)
    run = run_record("training.train", command, bf16=use_bf16)
    return export(model, tokenizer, encoder_config, config, out / f"{config.name}-v{config.version}", len(lengths), run)


def _save_checkpoint(folder: Path, model: ClaimModel, optimizer: torch.optim.Optimizer, step: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(tmp / "model.safetensors"))
    names = {id(p): n for n, p in model.named_parameters()}
    moments: dict[str, torch.Tensor] = {}
    steps: dict[str, float] = {}
    for parameter, state in optimizer.state.items():
        name = names[id(parameter)]
        moments[f"{name}.exp_avg"] = state["exp_avg"].contiguous()
        moments[f"{name}.exp_avg_sq"] = state["exp_avg_sq"].contiguous()
        steps[name] = float(state["step"])
    save_file(moments, str(tmp / "optimizer.safetensors"))
    (tmp / "state.json").write_text(json.dumps({"step": step, "adam_steps": steps}), encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)


def _restore(folder: Path, model: ClaimModel, optimizer: torch.optim.Optimizer) -> int:
    if not (folder / "state.json").is_file():
        raise FileNotFoundError(f"--resume: no checkpoint in {folder}")
    model.load_state_dict(load_file(str(folder / "model.safetensors")))
    state = json.loads((folder / "state.json").read_text(encoding="utf-8"))
    moments = load_file(str(folder / "optimizer.safetensors"))
    for name, parameter in model.named_parameters():
        if name in state["adam_steps"]:
            optimizer.state[parameter] = {
                "step": torch.tensor(state["adam_steps"][name]),
                "exp_avg": moments[f"{name}.exp_avg"],
                "exp_avg_sq": moments[f"{name}.exp_avg_sq"],
            }
    return int(state["step"])


def export(
    model: ClaimModel,
    tokenizer: BertTokenizer,
    encoder_config: BertConfig,
    config: TrainConfig,
    folder: Path,
    examples: int,
    run: dict[str, Any],
) -> Path:
    """Write a model folder: fp16 safetensors, encoder config, tokenizer, manifest and training config."""
    manifest = {
        "format": MANIFEST_FORMAT,
        "name": config.name,
        "version": config.version,
        "labels": {
            "certainty": [c.value for c in Certainty],
            "kind": [k.value for k in SegmentKind] if config.heads == "multitask" else None,
        },
        "heads": config.heads,
        "base_model": describe_base(config.base_model),
        "base_licence": BASE_LICENCE,
        "max_length": config.max_length,
        "temperature": 1.0,
        "score_source": "expected",
        "attribution_hint": config.attribution_hint,
        "hint_version": HINT_VERSION,
        "training_data": {
            "corpora": config.corpora,
            "news_train": list(config.news_train) if config.news_repeat else [],
            "real_train": list(config.real_train),
            "examples": examples,
        },
        "run": run,
    }
    return write_folder(folder, model, encoder_config, tokenizer, config.to_json(), manifest)


def main(argv: Sequence[str] | None = None) -> None:
    """Train from a config file, then calibrate the exported model on the news dev set."""
    parser = argparse.ArgumentParser(prog="python -m training.train", description=__doc__)
    parser.add_argument("--config", type=Path, required=True, help="a JSON TrainConfig")
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data", help="the shared corpora")
    parser.add_argument("--out", type=Path, required=True, help="run folder (checkpoints and exported model)")
    parser.add_argument("--resume", action="store_true", help="continue from the run folder's checkpoint")
    parser.add_argument("--max-steps", type=int, default=None, help="stop early (smoke runs)")
    parser.add_argument("--calibration-gold", type=Path, default=ROOT / "seeds" / "real" / "dev")
    args = parser.parse_args(argv)
    config = TrainConfig.load(args.config)
    torch.use_deterministic_algorithms(True, warn_only=True)
    command = sys.argv[1:] if argv is None else list(argv)
    folder = train(config, args.data_dir, args.out, resume=args.resume, max_steps=args.max_steps, command=command)
    from training.calibrate import calibrate_folder

    print(json.dumps(calibrate_folder(folder, args.calibration_gold, args.data_dir), indent=2))
    print(f"model written to {folder}")


if __name__ == "__main__":
    main()
