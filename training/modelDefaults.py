"""Sampling settings the exported model carries as its own defaults (model_index.json `_diffusion_lab`):
export.py writes them and evaluate.py measures the model at them, so neither imports the other."""

GUIDANCE = 3.0  # picked by `evaluate.py --sweep` on held-out captions (MODEL_CARD.md "Quality")
