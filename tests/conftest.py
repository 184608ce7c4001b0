"""Shared pytest set-up. Each test package keeps its own fixtures in its own conftest.py."""
import os

# Grading and the course helpers must never reach for a GPU or the network in tests.
os.environ.setdefault("D2L_CTX", "cpu")
