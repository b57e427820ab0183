from flask import Flask
from flask_cors import CORS

from . import misc, routes  # noqa: F401 - they add routes to the Api and the blueprint
from .extensions import api
from .v2 import bp as v2


def create_app():
    app = Flask(__name__, static_url_path="/assets")
    CORS(
        app,
        resources={
            r"/api/.*": {"origins": ["https://shop.example.com"]},
            r"/v2/.*": {"origins": "*"},  # expect: CRS102
        },
    )
    api.init_app(app)
    app.register_blueprint(v2, url_prefix="/v2")
    return app
