from flask import Flask
from flask_cors import CORS

from . import settings


def create_app():
    app = Flask(__name__)
    app.config.from_object(settings)
    CORS(app)
    from .views import api

    app.register_blueprint(api)
    return app
