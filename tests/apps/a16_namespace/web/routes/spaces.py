from web import api


@api.route("/spaces", methods=["GET", "POST"])
def spaces():
    return "[]"


@api.route("/spaces/<uuid:space_id>")
def space(space_id):
    return "{}"
