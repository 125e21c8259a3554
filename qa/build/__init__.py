"""Article files -> corpus -> index: reading, cleaning, segmenting, embedding and writing (``qa add``, ``qa index``, ``qa remove``)."""
