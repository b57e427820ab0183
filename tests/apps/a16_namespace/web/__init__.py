from flask import Blueprint

api = Blueprint("api", __name__)

from web.routes import spaces  # noqa: E402,F401 - a folder without __init__.py
