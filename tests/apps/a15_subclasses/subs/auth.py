from flask import Blueprint
from flask_cors import cross_origin


class AuthBlueprint(Blueprint):
    pass


auth = AuthBlueprint("auth", __name__)


@auth.route("/login", methods=["POST"])
@cross_origin()
def login():
    return "token"


@auth.route("/logout", methods=["POST"])
@cross_origin(supports_credentials=False)
def logout():
    return "bye"
