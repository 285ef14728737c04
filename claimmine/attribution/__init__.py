"""Stage 3, who says it: rule attribution, the token tagger (torch and ONNX), its decoding into relations,
and the linking of relations to segments behind the :class:`~claimmine.Attributor` protocol."""
