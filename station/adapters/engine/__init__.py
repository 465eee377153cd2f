"""The inspection engine's models: backbones and their weights, PatchCore on torch, CLIP, the model files of each
product. Nothing is imported here: torch, timm, anomalib and open_clip load when a model is first used, never
when this package is imported (import the module you need, e.g. ``station.adapters.engine.provider``)."""
