"""Article files and web pages -> corpus -> index: reading, fetching, cleaning, segmenting, embedding and
writing (``qa add``, ``qa index``, ``qa remove``)."""
