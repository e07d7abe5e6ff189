"""newsevents: news pages in, political event data out.

The stages are numbered in :mod:`newsevents.pipeline`; the Python API is :mod:`newsevents.api`.
"""

__version__ = "0.1.0"
