# Only the API's URLs: this module names neither the framework nor a route decorator.
from .extensions import api
from .resources import Item, ItemList, Partner

api.add_resource(ItemList, "/items")
api.add_resource(Item, "/items/<int:item_id>", endpoint="item")
api.add_resource(Partner, "/partner")
