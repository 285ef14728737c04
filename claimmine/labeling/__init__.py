"""Stage 4, the labels: the :class:`~claimmine.Labeler` protocol, the rule baseline, and the fine-tuned
classifier's torch and ONNX backends with their shared encoder and batching."""
