from . import api


@api.route("/items/<int:item_id>", methods=["GET", "PUT"])
def get_item(item_id):
    return "item"


@api.post("/orders")
def create_order():
    return "created"
