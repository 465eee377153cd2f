"""Retrieval maths: nearest good reference and defect type by k-NN vote on normalised embeddings."""
