"""genmodels: the science behind the report (data, VAE, GAN, training, weight cache, metrics, plots)."""
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
