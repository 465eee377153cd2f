"""PatchCore's computation: bank types, coreset, nearest-neighbour search, score normalisation, thresholds, regions."""
