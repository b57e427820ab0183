class BaseConfig:
    CORS_SUPPORTS_CREDENTIALS = True
    CORS_ORIGINS = ["https://bank.example.com"]


class DevelopmentConfig(BaseConfig):
    CORS_ORIGINS = "*"  # expect: CRS101


class ProductionConfig(BaseConfig):
    CORS_ORIGINS = r"https://.*\.bank\.example\.com"  # expect: CRS104


config = {"development": DevelopmentConfig, "production": ProductionConfig}
