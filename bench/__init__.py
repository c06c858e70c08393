"""The benchmark: per-answer accuracy, confidence, latency and memory on voices never tuned on."""
