from flask_cors import CORS

cors = CORS(max_age=600, expose_headers=["X-Total"])
