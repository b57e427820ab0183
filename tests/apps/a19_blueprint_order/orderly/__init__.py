from flask import Flask
from flask_cors import CORS

from .views import admin, api


def create_app():
    app = Flask(__name__, static_folder="public")
    CORS(app, resources={r"/api/.*": {"origins": ["https://orderly.example.com"]}})
    app.register_blueprint(api, url_prefix="/api")
    app.register_blueprint(admin, url_prefix="/admin")

    @app.route("/ping", methods=["POST"])
    def ping():
        return "pong"

    return app
