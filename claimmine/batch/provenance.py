"""What produced an output of ``claimmine score``, kept beside it, and the lock that gives one run the output.

``OUTPUT.claimmine.json`` records the labeler, the attribution finder, the fields read, the text limit and a
fingerprint of the input's first 64 KiB. A run holds an exclusive lock on that file while it writes, so a
second run on the same output stops at once; ``--resume`` goes on only when the record matches the run now
asked for, so that one output never mixes two models, two fields or two inputs.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import IO, Any

from claimmine.errors import OutputLockedError, ResumeError

# How much of the input the fingerprint reads: enough to tell two inputs apart, and it still matches once
# the input has grown by appending.
FINGERPRINT_BYTES = 65_536


@dataclass(frozen=True, slots=True)
class Provenance:
    """What a ``claimmine score`` run reads and runs; two runs may share an output only if these match."""

    labeler: str
    attribution: str
    input_format: str
    text_field: str
    id_field: str
    max_chars: int | None
    input_sha256: str | None = None
    input_bytes: int = 0

    @classmethod
    def of_input(cls, name: str, **settings: Any) -> Provenance:
        """Fingerprint the input (``-``, standard input, has none) and return the provenance.

        >>> Provenance.of_input("-", labeler="rules", attribution="rules", input_format="jsonl",
        ...                     text_field="text", id_field="id", max_chars=None).input_sha256 is None
        True
        """
        if name == "-":
            return cls(**settings)
        with open(name, "rb") as stream:
            head = stream.read(FINGERPRINT_BYTES)
        return cls(**settings, input_sha256=hashlib.sha256(head).hexdigest(), input_bytes=len(head))

    def differences(self, earlier: Provenance, input_name: str) -> list[str]:
        """Say how this run differs from the one recorded as ``earlier`` (empty when it may go on)."""
        changed = [
            f"{f.name} {getattr(earlier, f.name)!r} -> {getattr(self, f.name)!r}"
            for f in fields(self)
            if f.name not in ("input_sha256", "input_bytes") and getattr(earlier, f.name) != getattr(self, f.name)
        ]
        if (earlier.input_sha256 is None) != (input_name == "-"):
            changed.append("the output was scored from " + ("a file" if earlier.input_sha256 else "standard input"))
        elif earlier.input_sha256 is not None:
            with open(input_name, "rb") as stream:
                head = stream.read(earlier.input_bytes)
            if hashlib.sha256(head).hexdigest() != earlier.input_sha256:
                changed.append(f"{input_name} does not start as the input the output was scored from")
        return changed


class RunLock:
    """The exclusive lock on ``OUTPUT.claimmine.json`` and the provenance it holds.

    >>> import tempfile; output = Path(tempfile.mkdtemp(), "out.jsonl")
    >>> first = RunLock(output)
    >>> RunLock(output)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    claimmine.errors.OutputLockedError: another claimmine score run is writing .../out.jsonl ...
    >>> first.release()
    """

    def __init__(self, output: Path) -> None:
        self.path = output.with_name(output.name + ".claimmine.json")
        self._created = not self.path.exists()
        self._stream: IO[bytes] | None = open(self.path, "a+b")  # noqa: SIM115 (held until release())
        try:
            fcntl.flock(self._stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._stream.close()
            self._stream = None
            raise OutputLockedError(
                f"another claimmine score run is writing {output} (it holds {self.path.name}); wait for it to "
                "finish, or choose another output"
            ) from None

    def recorded(self) -> Provenance | None:
        """The provenance written by the run that made the output, or ``None`` when there is none."""
        assert self._stream is not None
        self._stream.seek(0)
        data = self._stream.read()
        if not data.strip():
            return None
        try:
            return Provenance(**json.loads(data))
        except (ValueError, TypeError) as error:
            raise ResumeError(f"{self.path} is not claimmine's record of a run ({error}); cannot resume") from None

    def record(self, provenance: Provenance) -> None:
        """Write ``provenance`` in place (the lock stays on the same file)."""
        assert self._stream is not None
        self._stream.truncate(0)
        self._stream.write(json.dumps(asdict(provenance), indent=2).encode("utf-8") + b"\n")
        self._stream.flush()
        os.fsync(self._stream.fileno())

    def check(self, provenance: Provenance, input_name: str, output: Path) -> None:
        """Refuse to resume ``output`` unless it was made by a run like this one."""
        earlier = self.recorded()
        if earlier is None:
            raise ResumeError(
                f"{output} has no record of the run that wrote it ({self.path.name}), so claimmine cannot tell "
                "that it matches this run; pass --overwrite to score it again"
            )
        changed = provenance.differences(earlier, input_name)
        if changed:
            raise ResumeError(f"cannot resume {output}: it was written by another run ({'; '.join(changed)})")

    def release(self, *, discard: bool = False) -> None:
        """Let other runs write the output; ``discard`` removes a record file this run made and never wrote."""
        if self._stream is None:
            return
        if discard and self._created and self.recorded() is None:
            self.path.unlink(missing_ok=True)
        self._stream.close()
        self._stream = None
