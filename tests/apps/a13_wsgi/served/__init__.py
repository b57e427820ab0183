from flask import Flask
from flask_cors import CORS


def create_app():
    app = Flask(__name__)
    CORS(app, resources={r"/public/*": {"origins": "*"}, r"/private/*": {"origins": "https://served.example.com"}})  # expect: CRS201 CRS102 CRS201
    from .routes import register_routes

    register_routes(app)
    return app
