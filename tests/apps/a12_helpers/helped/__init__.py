from flask import Flask

from .setup import configure, register_extensions


def create_app():
    app = Flask(__name__)
    configure(app)
    register_extensions(app)

    @app.route("/profile", methods=["GET", "PATCH"])
    def profile():
        return "profile"

    return app
