import os

CORS_ORIGINS = os.environ.get("ENVFLOW_ORIGINS", "*")  # expect: CRS501
if CORS_ORIGINS != "*":
    CORS_ORIGINS = [origin.strip() for origin in CORS_ORIGINS.split(",") if origin.strip()]

_mode = os.getenv("ENVFLOW_MODE", "development").lower()
if _mode == "production":
    CORS_SUPPORTS_CREDENTIALS = False
else:
    CORS_SUPPORTS_CREDENTIALS = True

PUBLIC_ORIGIN = os.getenv("ENVFLOW_PUBLIC", "https://public.envflow.example")
