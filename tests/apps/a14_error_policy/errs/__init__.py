from flask import Flask, abort, request
from flask_cors import CORS, cross_origin


def create_app():
    app = Flask(__name__)
    CORS(app, origins=["https://errs.example.com"])

    @app.route("/login", methods=["POST"])
    @cross_origin(origins=["https://login.example.com"], supports_credentials=True)
    def login():
        if request.args.get("fail"):
            abort(401)
        return "ok"

    return app
