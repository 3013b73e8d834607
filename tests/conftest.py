"""Test settings: nothing may download, so every Hugging Face library is told to stay offline."""
import os

for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
    os.environ[var] = "1"
