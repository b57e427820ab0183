import os

CORS_ORIGINS = [r"https?://\w*\.?alerts\.example\.com"]  # expect: CRS104 CRS108
CORS_SUPPORTS_CREDENTIALS = os.environ.get("CORS_CREDENTIALS", True)
