"""genmodels: the science behind the report (data, VAE, GAN, training, weight cache, metrics, plots)."""
