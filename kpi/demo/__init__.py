"""The demo company: a deterministic, story-telling data set (see company.toml)."""
