"""Stage 8, explore: the web dashboard (``newsevents serve``).

``app.py`` builds the FastAPI app (pages, their ``/api`` JSON twins, the ingest form),
``query.py`` turns a URL query into filters, ``views.py`` computes each view's data in DuckDB,
``article.py`` marks an article's evidence, ``jobs.py`` runs the form's ingests, ``database.py``
shares the DuckDB file between views and ingest, ``geo.py`` serves the world borders, and
``server.py`` runs it all with uvicorn. ``templates/`` and ``static/`` are the pages and our own
scripts; nothing is fetched from another site, so it works offline.
"""
