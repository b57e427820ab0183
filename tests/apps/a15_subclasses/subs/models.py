class Database:
    """Another extension with an init_app of its own."""

    def init_app(self, app):
        app.extensions["database"] = self


db = Database()
