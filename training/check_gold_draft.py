"""Draft validator for gold files (replaced later by training.gold)."""
import json, sys
from collections import Counter
KINDS = {"claim", "speculation", "official_statement"}
CERTS = {"certain", "probable", "possible"}
TYPES = {"official", "expert", "media", "anonymous", "collective", "other"}
cells = Counter(); nseg = 0
for path in sys.argv[1:]:
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        if not line.strip():
            continue
        d = json.loads(line)
        assert d.get("id") and d.get("domain"), (path, n, "id/domain missing")
        for i, s in enumerate(d["segments"]):
            where = (path, d["id"], i, s.get("text", "")[:60])
            t = s["text"]; sep = s.get("sep", " ")
            assert t and t == t.strip(), ("segment text empty or has outer whitespace", where)
            assert sep.strip() == "", ("sep must be whitespace only", where)
            assert s["kind"] in KINDS and s["certainty"] in CERTS, ("bad label", where)
            src, cue = s.get("source"), s.get("cue")
            if src is not None:
                assert src in t, ("source not a substring of segment text", where)
                assert s.get("source_type") in TYPES, ("source_type missing/bad", where)
            else:
                assert s.get("source_type") is None, ("source_type without source", where)
            if cue is not None:
                assert cue in t, ("cue not a substring of segment text", where)
            if s.get("direct") is not None:
                assert isinstance(s["direct"], bool) and cue is not None, ("direct needs a cue", where)
            cells[(s["kind"], s["certainty"])] += 1; nseg += 1
print(nseg, "segments")
for k in sorted(KINDS):
    print(k.ljust(20), {c: cells[(k, c)] for c in ("certain", "probable", "possible")})
