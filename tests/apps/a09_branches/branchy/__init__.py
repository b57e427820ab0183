import os

from flask import Flask
from flask_cors import CORS


def create_app():
    app = Flask(__name__)
    if os.environ.get("BRANCHY_DEBUG"):
        CORS(app)  # expect: CRS102
    else:
        CORS(app, origins=["https://branchy.example.com"])

    @app.route("/things")
    def things():
        return "things"

    return app
