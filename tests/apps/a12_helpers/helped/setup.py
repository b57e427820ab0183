from flask_cors import CORS


def configure(app):
    app.config["CORS_ORIGINS"] = ["https://helped.example.com", "https://*.helped.example.com"]  # expect: CRS107
    app.config["CORS_SUPPORTS_CREDENTIALS"] = True


def register_extensions(app):
    CORS(app)
