"""The inspection engine's models: backbones and their weights, PatchCore on torch, CLIP, the model files of each product."""
