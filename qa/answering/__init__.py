"""Question -> answer: query analysis and routing, retrieval and fusion, evidence, quotes."""
