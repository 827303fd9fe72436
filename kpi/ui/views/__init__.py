"""The pieces each page draws: one module a screen, called by the thin scripts in `pages/`."""
