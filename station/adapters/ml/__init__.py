"""Machine-learning model adapters: backbones, PatchCore, CLIP, embedders, LLM."""
