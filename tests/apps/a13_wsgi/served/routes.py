def register_routes(app):
    @app.route("/public/feed")
    def feed():
        return "feed"

    @app.route("/private/account", methods=["GET", "DELETE"])
    def account():
        return "account"

    @app.route("/other")
    def other():
        return "other"
