"""The model's arrows: article -> token windows -> features -> token classifier -> decoded spans (model
spans only, no rules), and its training."""
