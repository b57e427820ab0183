from flask import Flask

from .auth import auth
from .config import Config
from .models import db


class SubsApp(Flask):
    """An app class of the project's own."""


def create_app(config_class=Config):
    app = SubsApp(__name__)
    app.config.from_object(config_class)
    db.init_app(app)
    app.register_blueprint(auth, url_prefix="/auth")
    return app
