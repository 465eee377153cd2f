"""The inspection engine's computation, pure (no Qt, no database, no files but the image folders it is given):
``images`` (decoding, preprocessing, dataset folders, rendered artifacts), ``patchcore`` (the model's
protocol, bank build and coreset, nearest-neighbour search, scoring, analysis and judgement of one image),
``retrieval`` (embeddings and the k-NN index) and ``synthetic`` (demo parts and synthetic defects)."""
