"""The web dashboard: FastAPI, Jinja2 templates and HTMX, calling services only.

`create_app(settings)` in app.py builds the application; deps.py holds the dependencies every
route uses (store, signed-in actor, role checks, CSRF); routes/ holds one module per page group.
"""
