"""Training of the extractive reader (torch + transformers live only in this package).

Run ``python -m qa.train --data FILE... --eval FILE --out models/reader`` to fine-tune all-MiniLM-L6-v2 for
span extraction, export it to int8 ONNX and write its model card.
"""
