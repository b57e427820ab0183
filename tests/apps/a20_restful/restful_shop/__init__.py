from flask import Flask
from flask_cors import CORS

from . import resources  # noqa: F401 - adds the resources to the Api
from .extensions import api
from .v2 import bp as v2


def create_app():
    app = Flask(__name__)
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
