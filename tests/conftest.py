import os
import sys

# The oracle helper lives next to the tests.
sys.path.insert(0, os.path.dirname(__file__))

from hypothesis import HealthCheck, settings

# "ci" runs in the README's test command; "thorough" by hand:
#   python -m pytest tests/test_differential.py --hypothesis-profile=thorough
settings.register_profile(
    "ci", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.register_profile(
    "thorough", max_examples=20000, deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("ci")
