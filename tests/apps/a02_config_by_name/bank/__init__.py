from flask import Flask
from flask_cors import CORS

from .settings import config


def create_app(config_name="production"):
    app = Flask(__name__)
    app.config.from_object(config[config_name])
    CORS(app)

    @app.route("/api/balance")
    def balance():
        return "0"

    return app
