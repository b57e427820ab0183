from flask import Flask
from flask_cors import *

from .origins import *

app = Flask(__name__)
CORS(app, origins=TRUSTED, supports_credentials=True)

from .views import *  # noqa: E402
