"""The on-disk index: vectors (FAISS), BM25, sentence table, passage metadata, manifest; reader and writer."""
