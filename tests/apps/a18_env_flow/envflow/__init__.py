import os

from flask import Flask
from flask_cors import CORS

from . import settings
from .admin import admin


def create_app():
    app = Flask(__name__)
    app.config.from_object(settings)
    expose = ["X-Total-Count"]
    if os.environ.get("ENVFLOW_DEBUG"):
        expose = expose + ["X-Debug-Token"]
    # Read back from the config the settings module wrote.
    public = app.config.get("PUBLIC_ORIGIN", "*")
    public_origins = "*" if public == "*" else [public]
    CORS(app, resources={r"/api/.*": {}, r"/public/.*": {"origins": public_origins}}, expose_headers=expose)
    app.register_blueprint(admin, url_prefix="/admin")

    @app.route("/api/items")
    def items():
        return "items"

    @app.route("/public/info")
    def public_info():
        return "info"

    @app.route("/health")
    def health():
        return "ok"

    return app
