"""WSGI entry point: gunicorn wsgi:app, flask --app wsgi ..."""

from bkm import create_app

app = create_app()
