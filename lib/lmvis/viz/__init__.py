"""The book's pictures, one module per subject; each function takes data and returns a Figure
or Axes (or an Animation), so the computations behind it are tested elsewhere.

:mod:`~lmvis.viz.history` (parameter growth), :mod:`~lmvis.viz.graph` (computation graphs),
:mod:`~lmvis.viz.landscapes` (loss surfaces and optimizer paths),
:mod:`~lmvis.viz.classification` (boundaries, images, curves, confusion matrices, embeddings),
:mod:`~lmvis.viz.attention` (attention heat maps).
"""
