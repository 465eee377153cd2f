"""Images in and out: decoding and validation, preprocessing, rendered artifacts, dataset folders."""
