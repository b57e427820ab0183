from flask import Flask

from .extensions import cors


def create_app():
    app = Flask(__name__)
    app.config["CORS_SUPPORTS_CREDENTIALS"] = True
    cors.init_app(app, resources={r"/api/*": {"origins": ["https://shop.example.com"]}})  # expect: CRS201
    from .api import api as api_blueprint

    app.register_blueprint(api_blueprint, url_prefix="/api/v1")

    @app.route("/health")
    def health():
        return "ok"

    return app
