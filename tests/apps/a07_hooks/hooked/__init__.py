from flask import Flask
from flask_cors import CORS

from .hooks import add_security_headers, allow_partner


def create_app():
    app = Flask(__name__)
    app.after_request(add_security_headers)
    CORS(app, origins=["https://hooked.example.com"])
    app.after_request(allow_partner)

    @app.route("/data")
    def data():
        return "data"

    return app
