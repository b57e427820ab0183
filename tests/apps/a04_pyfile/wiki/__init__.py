from flask import Flask
from flask_cors import CORS


def create_app():
    app = Flask(__name__)
    app.config.from_pyfile("cors.cfg")
    CORS(app)

    @app.get("/pages/<path:name>")
    def page(name):
        return name

    return app
